#!/usr/bin/env bash
# One-step set-up on a fresh machine: the Debian packages the fast paths and the browser tests use (when we can
# install them: root and apt-get present), then the npm dependencies exactly as locked. Safe to run again.
#   - libdnnl-dev + g++/make: the native oneDNN engine (without them dfl still works, on the wasm engine)
#   - libjpeg62-turbo-dev: the data loader's JPEG fast path (without it sharp decodes everything, slower)
#   - chromium: the leaderboard's browser tests
#   - python3-sklearn / python3-torch / python3-torchvision: reference figures in bench/ (optional)
set -euo pipefail
cd "$(dirname "$0")/.."

want=(libdnnl-dev libjpeg62-turbo-dev g++ make python3 chromium fonts-dejavu-core)
if [ "${DFL_WITH_PYTHON_REFS:-0}" = "1" ]; then want+=(python3-sklearn python3-torch python3-torchvision); fi

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: not root or no apt-get; skipping Debian packages (${missing[*]}): dfl falls back to the wasm engine"
  fi
fi

npm ci --no-audit --no-fund
