#!/usr/bin/env node
// Builds the oneDNN addon at install time when libdnnl-dev is present; otherwise says so in one line and exits 0,
// so `npm ci` works everywhere and tfjs falls back to its other backends.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const header = '/usr/include/oneapi/dnnl/dnnl.hpp';
const root = path.join(__dirname, '..');

if (process.env.DFL_NATIVE_ENGINE === 'skip') {
  console.log('@dfl/native-engine: DFL_NATIVE_ENGINE=skip, not building the oneDNN engine');
  process.exit(0);
}
if (!fs.existsSync(header)) {
  console.log(`@dfl/native-engine: ${header} not found (install libdnnl-dev for the fast native engine); skipped`);
  process.exit(0);
}
let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  console.log('@dfl/native-engine: node-gyp is not installed; skipped');
  process.exit(0);
}
// Every `npm install` at the root runs this script: when the addon is newer than its sources, leave it alone, so
// processes using it (and everyone sharing the checkout) never see it disappear for a rebuild.
const addon = path.join(root, 'build', 'Release', 'dfl_native.node');
const sources = ['binding.gyp', ...fs.readdirSync(path.join(root, 'native')).map((f) => path.join('native', f))];
const newest = Math.max(...sources.map((f) => fs.statSync(path.join(root, f)).mtimeMs), fs.statSync(__filename).mtimeMs);
if (fs.existsSync(addon) && fs.statSync(addon).mtimeMs > newest && process.env.DFL_NATIVE_ENGINE !== 'rebuild') {
  console.log('@dfl/native-engine: build/Release/dfl_native.node is up to date');
  process.exit(0);
}
// Build against the machine's Node headers; node-gyp must never download them. `configure` + `build` (not
// `rebuild`) keeps the previous addon in place until the new one is linked.
const nodedir = process.env.npm_config_nodedir || (fs.existsSync('/usr/include/node/node.h') ? '/usr' : undefined);
const gypArgs = nodedir ? [`--nodedir=${nodedir}`] : [];
let result = spawnSync(process.execPath, [gyp, 'configure', ...gypArgs], { cwd: root, stdio: 'inherit' });
if (result.status === 0) {
  result = spawnSync(process.execPath, [gyp, 'build', '--jobs=2', ...gypArgs], { cwd: root, stdio: 'inherit' });
}
if (result.status !== 0) {
  console.log('@dfl/native-engine: the oneDNN engine failed to build (see above); tfjs will use its other backends');
  process.exit(0);
}
console.log('@dfl/native-engine: built build/Release/dfl_native.node');
