#!/usr/bin/env bash
# Prepares a fresh checkout: npm packages (Node 22 comes from npm as a dev dependency) and,
# with --test, the Debian tools the tests use (Chromium, ffmpeg, unzip, Python with torch/onnx/scipy, the PostgreSQL server
# that the study-database tests start a throwaway cluster of).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--test" ]]; then
  missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v ffmpeg >/dev/null || missing+=(ffmpeg)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  command -v unzip >/dev/null || missing+=(unzip)
  /usr/bin/python3 -c 'import torch, onnx, scipy' 2>/dev/null || missing+=(python3-torch python3-onnx python3-scipy python3-numpy)
  if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
      echo "setup: installing Debian packages: ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "setup: please install these packages (Debian/Ubuntu names): ${missing[*]}" >&2
      exit 1
    fi
  fi
fi

# npm ci only when package-lock.json changed since the last install.
stamp=node_modules/.pulse-studio-lock
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: installing npm packages"
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    if [[ -z ${ONNXRUNTIME_NODE_INSTALL:-} ]]; then
      # onnxruntime-node fetches its CUDA libraries at install time; without network, install CPU-only.
      echo "setup: retrying without onnxruntime's CUDA download (CPU inference still works)" >&2
      ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
    else
      exit 1
    fi
  fi
  cp package-lock.json "$stamp"
fi
