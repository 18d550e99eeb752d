#!/usr/bin/env bash
# Builds the dashboard's front end (web/ -> web/dist) with Vite, from the packages pinned
# in web/package-lock.json (node_modules is never committed). harmlens serve serves
# web/dist; nothing in it is fetched from a CDN at run time.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here/web"
# Reinstall only when the lockfile is newer than the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  # `npm install`, not `npm ci`: the registry this machine reaches lists only the
  # linux-x64 build of rollup's optional platform packages, so the lockfile holds no entry
  # for the others and `npm ci` refuses it as out of sync. With every version pinned
  # exactly, install resolves to the same tree and leaves the lockfile as it is.
  npm install --no-audit --no-fund --loglevel=error
fi
npm run --silent build
