#!/usr/bin/env node
'use strict';

/**
 * Runs a TypeScript file without a build step:
 *   node scripts/run-ts.js path/to/file.ts [args...]
 *
 * Registers ts-node (transpile-only: type checking is `npm run typecheck`'s
 * job) with the repository's tsconfig.json, and tsconfig-paths so that the
 * `@crm/...` aliases resolve to libs/. The file then sees its own arguments
 * in process.argv as if it had been started directly.
 */

const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '..');
const project = path.join(root, 'tsconfig.json');

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node scripts/run-ts.js <file.ts> [args...]\n');
  process.exit(2);
}
const entry = path.resolve(process.cwd(), file);
if (!fs.existsSync(entry)) {
  process.stderr.write(`run-ts: no such file: ${entry}\n`);
  process.exit(2);
}

require('ts-node').register({
  project,
  transpileOnly: true,
  compilerOptions: { module: 'commonjs' },
});

const tsconfigPaths = require('tsconfig-paths');
const config = tsconfigPaths.loadConfig(project);
if (config.resultType !== 'success') {
  process.stderr.write(`run-ts: cannot read ${project}: ${config.message}\n`);
  process.exit(2);
}
tsconfigPaths.register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });

process.argv.splice(1, 2, entry);
require(entry);
