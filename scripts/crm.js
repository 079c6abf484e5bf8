#!/usr/bin/env node
/**
 * The product's command-line interface (`npm run crm -- <command>`, or `crm`
 * when the package's bin is installed): compiles when the build is missing
 * or older than the sources, as `npm start` does, then runs
 * dist/apps/cli/src/main.js with the arguments.
 */
'use strict';
const { join } = require('node:path');
const { buildIfStale, root } = require('./build-if-stale');

const entry = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

try {
  buildIfStale(entry, { output: 'stderr' });
} catch {
  process.stderr.write('crm: the build failed (messages above)\n');
  process.exit(3);
}
require(entry);
