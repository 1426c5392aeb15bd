#!/bin/sh
# The README's dashboard screenshots (docs/dashboard-*.png), taken by the browser test on the whole
# service (make setup and make browser first).
set -eu
cd "$(dirname "$0")/.."
DOCPIPE_SCREENSHOTS="$PWD/docs" .venv/bin/pytest -q tests/integration/test_dashboard_browser.py
