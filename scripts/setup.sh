#!/usr/bin/env bash
# Quick start, step 1: install what a fresh Debian machine lacks, then build every edition.
#   bash scripts/setup.sh            # install + build
#   bash scripts/setup.sh --no-build # install only
#   bash scripts/setup.sh --install-node [--no-build]
#                                    # also install Node.js 22 from NodeSource if Node is missing or
#                                    # too old (root on Debian or Ubuntu only)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=1
INSTALL_NODE=0
for argument in "$@"; do
  case "$argument" in
    --no-build) BUILD=0 ;;
    --install-node) INSTALL_NODE=1 ;;
    *) echo "setup: unknown option \`$argument\`; use --no-build or --install-node" >&2; exit 2 ;;
  esac
done

# Node.js 20.19 or later (package.json "engines": require() of ES modules, used by the toolchain's
# dependencies). Debian 12's own nodejs package is 18: too old. Checked first, before anything is
# installed; installed only when asked (--install-node), from NodeSource's signed apt repository.
NODE_MAJOR_MIN=20
NODE_MINOR_MIN=19
node_version() { command -v node >/dev/null 2>&1 && node --version 2>/dev/null || true; }
node_suitable() {
  local version="$1"
  [[ "$version" =~ ^v([0-9]+)\.([0-9]+)\. ]] || return 1
  local major="${BASH_REMATCH[1]}" minor="${BASH_REMATCH[2]}"
  ((major > NODE_MAJOR_MIN || (major == NODE_MAJOR_MIN && minor >= NODE_MINOR_MIN)))
}
install_node_from_nodesource() {
  # NodeSource's manual installation: its key, its repository signed by that key, then apt.
  echo "setup: installing Node.js 22 from NodeSource (https://github.com/nodesource/distributions)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates curl gnupg >/dev/null
  mkdir -p /etc/apt/keyrings
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
  echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_22.x nodistro main" >/etc/apt/sources.list.d/nodesource.list
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null
}
NODE_FOUND="$(node_version)"
if ! node_suitable "$NODE_FOUND"; then
  if [ "$INSTALL_NODE" = 1 ] && [ "$(id -u)" -eq 0 ] && [ -r /etc/debian_version ]; then
    install_node_from_nodesource
    NODE_FOUND="$(node_version)"
  fi
fi
if ! node_suitable "$NODE_FOUND"; then
  cat >&2 <<EOF_NODE
setup: this toolchain needs Node.js ${NODE_MAJOR_MIN}.${NODE_MINOR_MIN} or later; found ${NODE_FOUND:-no node at all}.
Get Node.js 22 (LTS) in one of these ways, then run this script again:
  - on Debian or Ubuntu, as root, let this script do it (NodeSource's signed apt repository):
      bash scripts/setup.sh --install-node
  - or by hand, NodeSource (https://github.com/nodesource/distributions):
      sudo apt-get install -y ca-certificates curl gnupg
      sudo mkdir -p /etc/apt/keyrings
      curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | sudo gpg --dearmor -o /etc/apt/keyrings/nodesource.gpg
      echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_22.x nodistro main" | sudo tee /etc/apt/sources.list.d/nodesource.list
      sudo apt-get update && sudo apt-get install -y nodejs
  - or without root, nvm (https://github.com/nvm-sh/nvm), in your home folder:
      curl -o- https://raw.githubusercontent.com/nvm-sh/nvm/v0.40.1/install.sh | bash
      . "\$HOME/.nvm/nvm.sh" && nvm install 22
EOF_NODE
  exit 1
fi
echo "setup: Node.js $NODE_FOUND"

# Debian packages: Chromium for Paged.js, the EPUB cover and the browser tests (npm cannot fetch a
# browser here), its headless shell being what they start (scripts/browser.ts); EPUBCheck (and its Java) for the EPUB tests, with the JDK whose compiler lets the
# tests run EPUBCheck in one Java process (tests/support/EpubcheckServer.java); poppler-utils for the PDF tests;
# pandoc for the differential citation test and the benchmark; weasyprint for the benchmark;
# the CSL styles and locales for a `csl:` or `locale:` other than those kept in templates/csl/;
# Ghostscript, ArgyllCMS and the free ICC data (FOGRA39) for the PDF/X and the press profile, qpdf
# to join a long book's PDF/X page ranges and to inspect PDFs, zbar-tools to decode the cover's barcode in the tests.
DEBIAN_PACKAGES=(chromium chromium-headless-shell poppler-utils pandoc epubcheck openjdk-17-jdk-headless weasyprint citation-style-language-styles citation-style-language-locales ghostscript argyll icc-profiles-free qpdf zbar-tools)

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

# The press profiles of the printer presets (ArgyllCMS, about 15 s each, cached in
# node_modules/.cache/book/icc/): no PDF/X build, nor the test suite, waits for them.
npx --no-install tsx scripts/output/print/prepare-profiles.ts

if [ "$BUILD" = 1 ]; then
  npm run --silent build
fi
