#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI through tsx so `npx netpol-audit` works in the repository without a build step.
require('tsx/cjs');
const { main } = require('./netpol-audit.ts');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
