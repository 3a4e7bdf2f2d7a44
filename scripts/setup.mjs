#!/usr/bin/env node
// Installs dependencies and builds every package, on a machine that has only Node 20+ and npm,
// then runs the root scripts named as arguments (e.g. `node scripts/setup.mjs test:all`).
// pnpm is used from PATH when it is there, otherwise fetched by npx (no global install); the
// scripts run through it because turbo needs a pnpm binary to run tasks.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  // onnxruntime-node's install script downloads CUDA files; the CPU binary ships in the package.
  ONNXRUNTIME_NODE_INSTALL: 'skip',
};

// zstd-napi is built from source by node-gyp, which downloads Node's headers unless told where
// they are. The running Node's own prefix has them (Debian's nodejs package and the nodejs.org
// builds alike): use them, so that set-up needs nothing beyond the npm registry.
const prefix = dirname(dirname(process.execPath));
if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) env.npm_config_nodedir = prefix;

function hasPnpm() {
  try {
    return execSync('pnpm --version', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().startsWith('10.');
  } catch {
    return false;
  }
}

const pnpm = hasPnpm() ? ['pnpm'] : ['npx', '--yes', 'pnpm@10'];
function run(args) {
  console.error(`> ${[...pnpm, ...args].join(' ')}`);
  const r = spawnSync(pnpm[0], [...pnpm.slice(1), ...args], { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run(['install', '--frozen-lockfile']);
run(['run', 'build']);
for (const script of process.argv.slice(2)) run(['run', script]);
