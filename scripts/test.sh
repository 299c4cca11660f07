#!/usr/bin/env bash
# `npm test`: every test — lint and format, typecheck, unit (vitest), faults (real processes killed, locked, full, damaged),
# Python model tests, e2e (Playwright in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
rm -rf test-results && mkdir -p test-results
npm run --silent lint
npm run --silent typecheck
npm run --silent test:unit -- --reporter=default --reporter=json --outputFile.json=test-results/unit.json
npm run --silent test:faults -- --reporter=default --reporter=json --outputFile.json=test-results/faults.json
/usr/bin/python3 -m unittest discover -s models/python -t models/python
npm run --silent build
npm run --silent test:e2e
node_modules/.bin/node scripts/test-summary.ts test-results/unit.json test-results/faults.json test-results/e2e.json
