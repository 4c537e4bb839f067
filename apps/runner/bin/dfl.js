#!/usr/bin/env node
// The `dfl` command. It runs the TypeScript sources directly through SWC (no build step after `npm ci`),
// with decorator metadata on for the NestJS/TypeORM code it shares with the leaderboard.
'use strict';
const path = require('path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', '..', '..', 'tsconfig.base.json');
require('@swc-node/register');
require('../src/main.ts');
