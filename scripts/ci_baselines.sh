#!/usr/bin/env bash
# Remakes assets/baselines/ci/<policy>/ (the regression gate's baselines) from the reference
# policies in assets/policies/, on the episode set of configs/ci_gate.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
FB=${FB:-build/bin/fasterbench}
for policy in fastervla fast_ar binning_ar; do
  out=assets/baselines/ci/$policy
  rm -rf "$out"
  "$FB" --threads 1 eval --config configs/ci_gate.yaml --set "policy.name=$policy" \
    --set "policy.params.checkpoint=assets/policies/$policy" --out "$out"
done
