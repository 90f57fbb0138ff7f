#!/usr/bin/env bash
# Installs what ML Factory needs on a fresh machine: Node packages and the Python worker venv.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # onnxruntime-node's install script downloads CUDA binaries; its CPU binaries ship in the package.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
fi
# The precompiled CLI (npm ci builds it too; this rebuilds it after source edits). See scripts/bundle.mjs.
node scripts/bundle.mjs >/dev/null

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import mlf_workers, zmq, pyarrow, sklearn, skl2onnx, lightgbm, xgboost, hmmlearn, torch, pytest" 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
fi
