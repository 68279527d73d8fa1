#!/usr/bin/env bash
# Set everything up, then run the test suite (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BROWSER=1 scripts/setup.sh
# two workers (pytest-xdist): much of the suite waits on subprocesses starting up, so two overlap
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" "$@"
