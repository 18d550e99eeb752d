#!/usr/bin/env bash
# CTest entry for the dashboard's browser test: builds the front end, then drives Debian's
# chromium with playwright-core (web/e2e/dashboard.e2e.mjs). Screenshots and exports are
# kept in the artifacts folder given as $2.
#   run_dashboard_e2e.sh HARMLENS_BIN ARTIFACTS_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
"$here/scripts/build-web.sh"
rm -rf "$2"
cd "$here/web"
exec node e2e/dashboard.e2e.mjs "$1" "$here/data" "$here/web/dist" "$2"
