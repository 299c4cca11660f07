#!/usr/bin/env bash
# `npm start`: set up, build, and open Pulse Studio (the desktop app, or browser mode without Electron).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent build
exec npm run --silent app
