#!/usr/bin/env bash
# Installs what the tests need beyond pip (services, browser) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .ci/services.sh ] && bash .ci/services.sh
[ -f .ci/browser.sh ] && bash .ci/browser.sh
exec python -m pytest -q -p no:cacheprovider "$@"
