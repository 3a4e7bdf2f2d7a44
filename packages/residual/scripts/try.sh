#!/bin/sh
# Bundles and runs the dev harness: scripts/try.sh FILE...  (LEVEL=n DECODE=1 to also decode)
set -e
cd "$(dirname "$0")/.."
../../node_modules/.bin/esbuild scripts/try.ts --bundle --platform=node --format=esm --outfile=/tmp/seqcoder-try.mjs --log-level=warning
exec node /tmp/seqcoder-try.mjs "$@"
