#!/usr/bin/env bash
# The main job end to end on a fresh machine: install what is needed, then run the default experiment
# (charter Config 1, LightGBM) on the embedded synthetic bars. The run lands in runs/fast-baseline/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node bin/mlf.js train --config configs/fast-baseline.yaml --out runs/fast-baseline "$@"
