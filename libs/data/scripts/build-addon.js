#!/usr/bin/env node
// Builds the JPEG fast path (native/jpeg_decode.c against the system's libjpeg-turbo) at install time when
// libjpeg's headers are present (Debian: libjpeg62-turbo-dev); otherwise says so in one line and exits 0: the loader
// then decodes everything with sharp, with the same pixels, only slower.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const header = '/usr/include/jpeglib.h';
const root = path.join(__dirname, '..');

if (process.env.DFL_JPEG_ADDON === 'skip') {
  console.log('@dfl/data: DFL_JPEG_ADDON=skip, not building the JPEG fast path');
  process.exit(0);
}
if (!fs.existsSync(header)) {
  console.log(`@dfl/data: ${header} not found (install libjpeg62-turbo-dev for the fast JPEG path); skipped`);
  process.exit(0);
}
let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  console.log('@dfl/data: node-gyp is not installed; JPEG fast path skipped');
  process.exit(0);
}
// leave an up-to-date addon alone: processes using it (everyone sharing the checkout) never see it disappear
const addon = path.join(root, 'build', 'Release', 'dfl_jpeg.node');
const sources = ['binding.gyp', 'native/jpeg_decode.c', 'native/resample.c', 'native/resample.h'];
const newest = Math.max(...sources.map((f) => fs.statSync(path.join(root, f)).mtimeMs), fs.statSync(__filename).mtimeMs);
if (fs.existsSync(addon) && fs.statSync(addon).mtimeMs > newest && process.env.DFL_JPEG_ADDON !== 'rebuild') {
  console.log('@dfl/data: build/Release/dfl_jpeg.node is up to date');
  process.exit(0);
}
// the machine's Node headers; node-gyp must never download them
const nodedir = process.env.npm_config_nodedir || (fs.existsSync('/usr/include/node/node.h') ? '/usr' : undefined);
const gypArgs = nodedir ? [`--nodedir=${nodedir}`] : [];
let result = spawnSync(process.execPath, [gyp, 'configure', ...gypArgs], { cwd: root, stdio: 'inherit' });
if (result.status === 0) result = spawnSync(process.execPath, [gyp, 'build', ...gypArgs], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.log('@dfl/data: the JPEG fast path failed to build (see above); sharp decodes everything');
  process.exit(0);
}
console.log('@dfl/data: built build/Release/dfl_jpeg.node');
