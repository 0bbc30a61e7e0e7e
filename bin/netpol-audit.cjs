#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI through tsx so `npx netpol-audit` works in the repository without a build step.
require('tsx/cjs');
require('./netpol-audit.ts');
