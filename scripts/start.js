#!/usr/bin/env node
/**
 * Starts an app ("api" or "projector") from its compiled output, compiling
 * first when the build is missing or older than the sources. Used by
 * `npm start` and `npm run start:projector`.
 */
'use strict';
const { join } = require('node:path');
const { buildIfStale, root } = require('./build-if-stale');

const app = process.argv[2];
if (app !== 'api' && app !== 'projector') {
  process.stderr.write('usage: node scripts/start.js api|projector\n');
  process.exit(2);
}
const entry = join(root, 'dist', 'apps', app, 'src', 'main.js');

buildIfStale(entry);
require(entry);
