#!/usr/bin/env bash
# Checks FAST parity against the reference Hugging Face `tokenizers` library (the Rust
# implementation, through its Node binding from the npm registry): fits a FAST tokenizer
# with fasterbench, loads its tokenizer.json in the reference, and compares the ids of
# every chunk, including spiky chunks whose code points fall outside the letter range so
# the GPT-2 pre-tokenizer splits them. Needs node/npm and a built fasterbench.
# Usage: scripts/check_fast_parity.sh [BUILD_DIR]   (not part of CI: it needs the network)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build}/bin/fasterbench
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "==> installing the reference tokenizers (npm: tokenizers@0.13.3) into $WORK"
(cd "$WORK" && npm install --silent --no-audit --no-fund tokenizers@0.13.3 tokenizers-linux-x64-gnu@0.13.4-rc2 >/dev/null)
cp scripts/fast_parity/check.js "$WORK/"

echo "==> fitting FAST with fasterbench"
"$BIN" tokenizer fit --type fast --out "$WORK/run" --set data.synthetic.episodes=200 --log-level warn
"$BIN" data synth --out "$WORK/episodes.npy" --episodes 30 --steps 200 --seed 77 >/dev/null 2>&1
# 30 x 200 steps -> 300 chunks of 20 x 7, and the same chunks scaled x8.
node "$WORK/check.js" prepare "$WORK/episodes.npy" "$WORK/chunks.npy"
for dir in "$WORK"/run/tokenizers/*/fast; do
  group=$(basename "$(dirname "$dir")")
  echo "--- $group"
  "$BIN" tokenizer encode --tokenizer "$dir" --input "$WORK/chunks.npy" --out "$WORK/$group.jsonl" --log-level error
  node "$WORK/check.js" compare "$dir" "$WORK/chunks.npy" "$WORK/$group.jsonl"
done
