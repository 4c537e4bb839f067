// Builds the leaderboard's web page into web/dist: index.html plus content-hashed main-<hash>.js/.css, everything
// bundled (no CDN: the service runs offline). The service caches assets for an hour and index.html not at all, so
// hashed names are what lets a rebuilt page reach browsers at once.
//   node apps/leaderboard/web/build.mjs            production bundle (minified)
//   node apps/leaderboard/web/build.mjs --watch    rebuild on change while developing
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const watch = process.argv.includes('--watch');

const options = {
  entryPoints: { main: join(here, 'src/main.tsx') },
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome109', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: !watch,
  sourcemap: true,
  metafile: true,
  logLevel: watch ? 'info' : 'warning',
  tsconfig: join(here, 'tsconfig.json'),
};

/** index.html pointing at this build's hashed files. */
function writeIndex(outdir, metafile) {
  const outputs = Object.keys(metafile.outputs).map((f) => basename(f));
  const js = outputs.find((f) => /^main-.*\.js$/.test(f));
  const css = outputs.find((f) => /^main-.*\.css$/.test(f));
  const html = readFileSync(join(here, 'index.html'), 'utf8').replace('main.js', js).replace('main.css', css);
  writeFileSync(join(outdir, 'index.html'), html);
}

if (watch) {
  mkdirSync(dist, { recursive: true });
  const ctx = await esbuild.context({
    ...options,
    outdir: dist,
    plugins: [{ name: 'index', setup: (b) => b.onEnd((r) => r.metafile && writeIndex(dist, r.metafile)) }],
  });
  await ctx.watch();
} else {
  // Build beside dist and swap it in, so a service serving dist never sees a half-written bundle.
  const tmp = `${dist}.tmp-${process.pid}`;
  const old = `${dist}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const result = await esbuild.build({ ...options, outdir: tmp });
  writeIndex(tmp, result.metafile);
  try {
    renameSync(dist, old);
  } catch {
    // no previous build
  }
  renameSync(tmp, dist);
  rmSync(old, { recursive: true, force: true });
  const sizes = Object.entries(result.metafile.outputs)
    .filter(([f]) => !f.endsWith('.map'))
    .map(([f, o]) => `${basename(f)} ${(o.bytes / 1024).toFixed(0)} KB`);
  console.log(`web: built ${dist} (${sizes.join(', ')})`);
}
