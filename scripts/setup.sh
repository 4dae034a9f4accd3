#!/usr/bin/env bash
# Quick start, step 1: install what a fresh Debian machine lacks, then build every edition.
#   bash scripts/setup.sh            # install + build
#   bash scripts/setup.sh --no-build # install only
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Chromium for Paged.js, the EPUB cover and the browser tests (npm cannot fetch a
# browser here); EPUBCheck (and its Java) for the EPUB tests; poppler-utils for the PDF tests;
# pandoc for the differential citation test and the benchmark.
DEBIAN_PACKAGES=(chromium poppler-utils pandoc epubcheck)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO="sudo"; else
      echo "setup: need root (or sudo) to install ${missing[*]}" >&2; exit 1
    fi
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present (${DEBIAN_PACKAGES[*]})"
fi

# npm packages, exactly as locked.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "setup: npm packages up to date"
fi

if [ "${1:-}" != "--no-build" ]; then
  npm run --silent build
fi
