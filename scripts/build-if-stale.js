/**
 * Compiles the product to dist/ when the build is missing or older than the
 * sources (apps/, libs/, the tsconfig files). Shared by scripts/start.js
 * (`npm start`, `npm run start:projector`) and scripts/crm.js (the CLI).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');

function newestSource(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (item.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsCurrent(entry) {
  if (!existsSync(entry) || !existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  const sources = Math.max(
    newestSource(join(root, 'apps')),
    newestSource(join(root, 'libs')),
    statSync(join(root, 'tsconfig.json')).mtimeMs,
    statSync(join(root, 'tsconfig.build.json')).mtimeMs,
  );
  return sources <= built;
}

/**
 * Builds unless `entry` (a compiled file under dist/) is current. The
 * compiler's messages go to `output`: 'stdout' (the servers) or 'stderr'
 * (the CLI, whose standard output is its result).
 */
function buildIfStale(entry, { output = 'stdout' } = {}) {
  if (buildIsCurrent(entry)) return;
  const out = output === 'stderr' ? process.stderr : process.stdout;
  out.write('compiling (first start or sources changed)…\n');
  const bin = (name) => join(root, 'node_modules', '.bin', name);
  const stdio = output === 'stderr' ? ['inherit', 2, 'inherit'] : 'inherit';
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio });
  execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio });
  writeFileSync(stamp, new Date().toISOString());
}

module.exports = { buildIfStale, root };
