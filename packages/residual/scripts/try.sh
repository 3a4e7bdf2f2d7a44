#!/bin/sh
# Bundles and runs the dev harness: scripts/try.sh FILE...  (LEVEL=n DECODE=1 to also decode)
set -e
cd "$(dirname "$0")/.."
# esbuild comes with tsup; pnpm keeps it under .pnpm rather than in the root's .bin
esbuild=../../node_modules/.bin/esbuild
[ -x "$esbuild" ] || esbuild=../../node_modules/.pnpm/node_modules/.bin/esbuild
"$esbuild" scripts/try.ts --bundle --platform=node --format=esm --outfile="/tmp/seqcoder-try-$$.mjs" --log-level=warning
node "/tmp/seqcoder-try-$$.mjs" "$@"; status=$?; rm -f "/tmp/seqcoder-try-$$.mjs"; exit $status
