#!/usr/bin/env bash
# Every test: install, then build and run the whole suite three ways — optimised,
# under AddressSanitizer + UndefinedBehaviorSanitizer, and the libFuzzer targets
# (short seeded runs over their committed corpora).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scripts/setup.sh
for preset in default asan fuzz; do
  echo "== $preset: build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== $preset: tests"
  ctest --preset "$preset"
done
