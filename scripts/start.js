#!/usr/bin/env node
/**
 * Starts an app ("api" or "projector") from its compiled output, compiling
 * first when the build is missing or older than the sources. Used by
 * `npm start` and `npm run start:projector`.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const app = process.argv[2];
if (app !== 'api' && app !== 'projector') {
  process.stderr.write('usage: node scripts/start.js api|projector\n');
  process.exit(2);
}
const stamp = join(root, 'dist', '.build-stamp');
const entry = join(root, 'dist', 'apps', app, 'src', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (item.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsCurrent() {
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

if (!buildIsCurrent()) {
  process.stdout.write('compiling (first start or sources changed)…\n');
  const bin = (name) => join(root, 'node_modules', '.bin', name);
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, new Date().toISOString());
}
require(entry);
