#!/usr/bin/env bash
# The state-observation track (docs/policies.md, "Observation modes"): FASTerVLA, FAST-AR and
# binning-AR trained on the same state-only demos of the four single-arm suites (spatial,
# object, goal, long; panda) with the same steps and batch (configs/train/state.yaml layered
# under each policy's file), then evaluated on `id` with the protocol their manifests record
# (openpi's LIBERO client: replan every 5 executed actions; configs/train.yaml); FAST-AR is
# evaluated twice from one checkpoint, with the reference decoding and with this project's
# constrained decoding.
#   STAGES      which of collect, train, eval to run (default: all three, in order)
# Environment: DEMO_INITS (train states per task, default 200: the whole split), INITS (id states per task,
# default 10), NOISE (DART action noise of the demos, default 0), OUT (runs/state-track),
# WORKERS (default: cores), THREADS (torch threads per training, default 1), FB (the binary).
# Every stage resumes: rerun the same command after an interruption.
set -euo pipefail
cd "$(dirname "$0")/.."
FB=${FB:-build/bin/fasterbench}
OUT=${OUT:-runs/state-track}
DEMO_INITS=${DEMO_INITS:-200}
INITS=${INITS:-10}
NOISE=${NOISE:-0}
WORKERS=${WORKERS:-$(nproc)}
THREADS=${THREADS:-1}
STAGES=${STAGES:-collect train eval}
SUITES=(spatial object goal long)
POLICIES=(fastervla fast_ar binning_ar)

has_stage() { [[ " $STAGES " == *" $1 "* ]]; }

demo_dirs=()
for suite in "${SUITES[@]}"; do demo_dirs+=("$OUT/demos/$suite"); done
if has_stage collect; then
  demo_inits=$(seq -s, 0 $((DEMO_INITS - 1)))
  for suite in "${SUITES[@]}"; do
    "$FB" collect --set suite="$suite" --set 'embodiments=[panda]' --set 'cameras=[]' --set "init_indices=[$demo_inits]" \
      --set action_noise="$NOISE" --workers "$WORKERS" --out "$OUT/demos/$suite"
  done
fi

if has_stage train; then
  demos=$(IFS=,; echo "${demo_dirs[*]}")
  for policy in "${POLICIES[@]}"; do
    "$FB" --threads "$THREADS" train --config configs/train/state.yaml --config "configs/train/$policy.yaml" \
      --set "demos=[$demos]" --out "$OUT/train/$policy"
  done
fi

if has_stage eval; then
  inits=$(seq -s, 0 $((INITS - 1)))
  runs=()
  for row in fastervla fast_ar fast_ar:constrained binning_ar; do
    policy=${row%%:*}
    decoding=reference
    [[ $row == *:constrained ]] && decoding=constrained
    name=$policy
    [[ $decoding == constrained ]] && name=$policy-constrained
    for suite in "${SUITES[@]}"; do
      "$FB" --threads 1 eval --set "policy.name=$policy" --set "policy.params.checkpoint=$OUT/train/$policy/policy" \
        --set "policy.params.decoding=$decoding" --set suite="$suite" --set 'embodiments=[panda]' --set 'splits=[id]' \
        --set "init_indices=[$inits]" --workers "$WORKERS" --out "$OUT/eval/$name/$suite"
      runs+=("$OUT/eval/$name/$suite")
    done
  done
  "$FB" report "${runs[@]}" --out "$OUT/report"
  echo "state track: $OUT/report/leaderboard.md"
fi
