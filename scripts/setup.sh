#!/usr/bin/env bash
# Quick start, step 1: install what a fresh Debian machine lacks, then build every edition.
#   bash scripts/setup.sh            # install + build
#   bash scripts/setup.sh --no-build # install only
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Chromium for Paged.js, the EPUB cover and the browser tests (npm cannot fetch a
# browser here); EPUBCheck (and its Java) for the EPUB tests; poppler-utils for the PDF tests;
# pandoc for the differential citation test and the benchmark; weasyprint for the benchmark;
# the CSL styles and locales for a `csl:` or `locale:` other than those kept in templates/csl/;
# Ghostscript, ArgyllCMS and the free ICC data (FOGRA39) for the PDF/X and the press profile, qpdf
# to inspect PDFs, zbar-tools to decode the cover's barcode in the tests.
DEBIAN_PACKAGES=(chromium poppler-utils pandoc epubcheck weasyprint citation-style-language-styles citation-style-language-locales ghostscript argyll icc-profiles-free qpdf zbar-tools)

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

# npm packages, at the versions in package-lock.json. Not `npm ci`: this registry serves only the
# Linux builds of platform packages (rollup's, esbuild's), so the lock cannot list the others and
# npm 11's `npm ci` refuses it as "out of sync"; `npm install` installs the same locked versions
# and skips the optional packages it cannot fetch. No browser download (see .puppeteerrc.cjs).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error
else
  echo "setup: npm packages up to date"
fi

if [ "${1:-}" != "--no-build" ]; then
  npm run --silent build
fi
