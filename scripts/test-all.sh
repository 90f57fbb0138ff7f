#!/usr/bin/env bash
# The whole test suite: TypeScript (vitest) then Python (pytest), one closing line with both totals.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

out=$(mktemp -d)
npx vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json"
ts_rc=$?
.venv/bin/python -m pytest --junitxml="$out/pytest.xml" -p no:cacheprovider
py_rc=$?
[ "$py_rc" -eq 5 ] && py_rc=0 # no Python tests collected is not a failure

node scripts/count-tests.mjs "$out/vitest.json" "$out/pytest.xml"
count_rc=$?
rm -rf "$out"
if [ "$ts_rc" -ne 0 ] || [ "$py_rc" -ne 0 ] || [ "$count_rc" -ne 0 ]; then exit 1; fi
