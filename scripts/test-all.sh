#!/usr/bin/env bash
# The whole test suite: TypeScript (vitest) then Python (pytest), one closing line with both totals.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

out=$(mktemp -d)
# The tests get a temp dir of their own, removed at the end: what a test forgets there cannot pile up
# across runs (leaked feature files once filled a CI disk), and is named below so it gets fixed.
tests_tmp=$(mktemp -d -t mlf-tests-XXXXXX)
export TMPDIR="$tests_tmp"
npx vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json"
ts_rc=$?
.venv/bin/python -m pytest --junitxml="$out/pytest.xml" -p no:cacheprovider
py_rc=$?
[ "$py_rc" -eq 5 ] && py_rc=0 # no Python tests collected is not a failure

leftover=$(ls -A "$tests_tmp" | grep -v -E '^(pytest-of-|tsx-|torchinductor_)' | sed 's/[-_.][A-Za-z0-9_]*$//' | sort | uniq -c | awk '{printf " %s(x%s)", $2, $1}')
[ -n "$leftover" ] && echo "warning: tests left these in their temp dir (removed now):$leftover"
rm -rf "$tests_tmp"

node scripts/count-tests.mjs "$out/vitest.json" "$out/pytest.xml"
count_rc=$?
rm -rf "$out"
if [ "$ts_rc" -ne 0 ] || [ "$py_rc" -ne 0 ] || [ "$count_rc" -ne 0 ]; then exit 1; fi
