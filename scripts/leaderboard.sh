#!/usr/bin/env bash
# The main job (`./fb run`): evaluates the reference policies in assets/policies/ (FASTerVLA,
# FAST-AR, binning-AR) and the scripted expert on the default suite (spatial, trained on
# panda) over `id` and every OOD split, then writes the leaderboard and report.
#   --retrain   first record the demos and train the three policies from scratch
#               (~1 hour on 2 cores), replacing assets/policies/
#   --commit    copy the leaderboard and each run's results.json into assets/leaderboard/
# Environment: INITS (initial states per task and split, default 10), OUT (runs/leaderboard),
# WORKERS (parallel episodes, default: cores), FB (the fasterbench binary).
set -euo pipefail
cd "$(dirname "$0")/.."
FB=${FB:-build/bin/fasterbench}
OUT=${OUT:-runs/leaderboard}
INITS=${INITS:-10}
WORKERS=${WORKERS:-$(nproc)}
POLICIES=(fastervla fast_ar binning_ar)
retrain=0 commit=0
for arg in "$@"; do
  case "$arg" in
    --retrain) retrain=1 ;;
    --commit) commit=1 ;;
    *) echo "leaderboard.sh: unknown flag '$arg' (known: --retrain, --commit)" >&2; exit 2 ;;
  esac
done

if [[ $retrain == 1 ]]; then
  for seed in 0 1000; do  # configs/train.yaml's demos: the same layouts, other arm noise
    "$FB" collect --set suite=spatial --set 'embodiments=[panda]' --set image_size=64 --set seed=$seed \
      --workers "$WORKERS" --out runs/demos-spatial-panda-64/seed$seed
  done
  for policy in "${POLICIES[@]}"; do
    "$FB" train --config "configs/train/$policy.yaml"
    rm -rf "assets/policies/$policy"
    mkdir -p assets/policies
    cp -r "runs/train/$policy/policy" "assets/policies/$policy"
  done
fi

inits=$(seq -s, 0 $((INITS - 1)))
common=(--set suite=spatial --set "init_indices=[$inits]" --set replan_interval=10 --workers "$WORKERS")
runs=()
for policy in scripted_expert "${POLICIES[@]}"; do
  params=()
  [[ $policy != scripted_expert ]] && params=(--set "policy.params.checkpoint=assets/policies/$policy")
  # Panda (the training embodiment) on id and the OOD splits; then the held-out WidowX.
  "$FB" --threads 1 eval --set "policy.name=$policy" "${params[@]}" "${common[@]}" --set 'embodiments=[panda]' \
    --set 'splits=[id, ood-position, ood-visual, ood-distractor, ood-language]' --out "$OUT/$policy"
  "$FB" --threads 1 eval --set "policy.name=$policy" "${params[@]}" "${common[@]}" --set 'embodiments=[widowx250]' \
    --set 'splits=[ood-embodiment]' --out "$OUT/$policy-widowx250"
  runs+=("$OUT/$policy" "$OUT/$policy-widowx250")
done
"$FB" report "${runs[@]}" --out "$OUT/report"

if [[ $commit == 1 ]]; then
  rm -rf assets/leaderboard
  mkdir -p assets/leaderboard
  cp "$OUT/report/leaderboard.md" assets/leaderboard/
  for run in "${runs[@]}"; do cp "$run/results.json" "assets/leaderboard/$(basename "$run").results.json"; done
fi
echo "leaderboard: $OUT/report/leaderboard.md, report: $OUT/report/report.html"
