#!/usr/bin/env bash
# The main job end to end on a fresh machine: install what is needed, then run the default experiment
# on the embedded synthetic bars. Artifacts land in artifacts/default/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node bin/mlf.js run --config configs/default.yaml "$@"
