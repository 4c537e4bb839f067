/*
 * Data pipeline throughput and memory (not a test: prints figures).
 *   node --expose-gc -r @swc-node/register bench/data/bench-data.ts [--files 400] [--rounds 3] [--rss 1000,5000,10000,20000] [--rss-only]
 *                                                                   [--workers N] [--rss-workers N] [--resize-from 320]
 * 1. decode + resize 256 + hflip + vflip + normalise, images/s, through createBatchLoader, in the loader's thread
 *    (workers 0: the JPEG fast path, or sharp, decodes on libuv's pool) and with worker threads (--workers, default
 *    one per CPU); each batch is released once counted, as the training loop releases it after its step;
 * 2. the same plus SBI (one pseudo-fake per real image: twice the samples);
 * 3. PIL + torchvision (0.14, /usr/bin/python3) on the same files and transforms, in the same run, with the ratio;
 *    single process (num_workers=0) and num_workers=2 (this machine has 2 cores);
 * 3b. decode + resize 320 -> 256 + the same transforms, dfl in-thread against torchvision (--resize-from S, 0 skips);
 * 4. RSS while streaming 1k..20k images (the files are reused cyclically under distinct names), with the worker
 *    threads `dfl run` would use (defaultWorkers: none on 2 CPUs) unless --rss-workers says.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { SeededRandom } from '@dfl/core';
import { buildAugmentPipeline, createBatchLoader, defaultWorkers, demoImage, type BatchLoader, type DatasetItem } from '@dfl/data';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const FILES = Number(arg('files', '400'));
const ROUNDS = Number(arg('rounds', '3'));
/** `--rss-only`: skip the throughput part. */
const RSS_ONLY = args.includes('--rss-only');
const RSS_POINTS = arg('rss', '1000,5000,10000,20000').split(',').map(Number);
const WORKERS = Number(arg('workers', String(availableParallelism())));
const SIZE = 256;
const input = { size: SIZE, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], interpolation: 'bilinear' } as const;

/** `--resize-from S`: the second scenario's JPEGs are S px, resized to the 256 px input (0: skip it). */
const RESIZE_FROM = Number(arg('resize-from', '320'));

async function makeFiles(dir: string, size = SIZE): Promise<DatasetItem[]> {
  mkdirSync(dir, { recursive: true });
  const items: DatasetItem[] = [];
  for (let i = 0; i < FILES; i++) {
    const file = path.join(dir, `f${i}.jpg`);
    writeFileSync(file, await demoImage(size, i % 2 === 1, new SeededRandom(i)));
    items.push({ path: file, name: `f${i}.jpg`, label: 0 });
  }
  return items;
}

interface Rate {
  readonly perSecond: number;
  /** CPU time (all threads of the process) per image: robust to other load on the machine, unlike wall time. */
  readonly cpuMs: number;
}

type Steps = Parameters<typeof buildAugmentPipeline>[0];
const makeLoader = (items: DatasetItem[], steps: Steps, workers: number) => createBatchLoader({ items, input, augment: buildAugmentPipeline(steps), batchSize: 32, seed: 1, workers });

async function nodeRate(loader: BatchLoader, epoch: number): Promise<Rate> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  for await (const batch of loader.epoch(epoch)) {
    n += batch.size;
    batch.release?.(); // as the training loop does once its step is done: the loader reuses the array
  }
  const used = process.cpuUsage(cpu);
  return { perSecond: n / ((performance.now() - start) / 1000), cpuMs: (used.user + used.system) / 1000 / n };
}

function torchRate(listFile: string, workers: number): Rate {
  const out = execFileSync('/usr/bin/python3', [path.join(__dirname, 'torchvision_reference.py'), listFile, String(SIZE), String(workers)], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop() as string) as { images_per_s: number; cpu_ms_per_image: number };
  return { perSecond: r.images_per_s, cpuMs: r.cpu_ms_per_image };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function throughput(items: DatasetItem[], listFile: string, flips: Steps): Promise<void> {
  const sbiSteps = [{ name: 'sbi', p: 1 }, ...flips];
  const started = performance.now();
  const loaders = { seed0: makeLoader(items, flips, 0), seedW: makeLoader(items, flips, WORKERS), sbi0: makeLoader(items, sbiSteps, 0), sbiW: makeLoader(items, sbiSteps, WORKERS) };
  // warm-up, which also starts the worker threads: their start-up is reported, not counted in the rates
  for (const loader of Object.values(loaders)) for await (const _ of loader.epoch(99)) break;
  process.stdout.write(`  (loaders warmed up and ${2 * WORKERS} worker threads started in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  const rates: Record<'seed0' | 'seedW' | 'sbi0' | 'sbiW' | 'tv0' | 'tv2', Rate[]> = { seed0: [], seedW: [], sbi0: [], sbiW: [], tv0: [], tv2: [] };
  const load: string[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // interleaved so that load from other processes hits both sides alike
    load.push(loadavg()[0].toFixed(1));
    rates.seedW.push(await nodeRate(loaders.seedW, r));
    rates.tv0.push(torchRate(listFile, 0));
    rates.seed0.push(await nodeRate(loaders.seed0, r));
    rates.tv2.push(torchRate(listFile, 2));
    rates.sbiW.push(await nodeRate(loaders.sbiW, r));
    rates.sbi0.push(await nodeRate(loaders.sbi0, r));
  }
  await Promise.all(Object.values(loaders).map((l) => l.close()));
  const wall = (xs: Rate[]) => median(xs.map((x) => x.perSecond));
  const cpu = (xs: Rate[]) => median(xs.map((x) => x.cpuMs));
  const row = (label: string, xs: Rate[], withCpu = true) =>
    `  ${label.padEnd(60)} ${wall(xs).toFixed(0).padStart(5)} img/s` +
    `${withCpu ? `  ${cpu(xs).toFixed(2).padStart(5)} CPU ms/img` : '   (CPU in worker processes, not measured)'}` +
    `  ${(wall(xs) / wall(rates.tv0)).toFixed(2)}x wall vs torchvision num_workers=0\n`;
  process.stdout.write(`decode + resize 256 + hflip + vflip + normalise (median of ${ROUNDS} rounds; 1-min load at each round: ${load.join(', ')})\n`);
  process.stdout.write(row(`dfl createBatchLoader, ${WORKERS} worker threads`, rates.seedW));
  process.stdout.write(row('dfl createBatchLoader, in-thread (workers 0)', rates.seed0));
  process.stdout.write(row(`dfl + SBI (2 samples per file), ${WORKERS} worker threads`, rates.sbiW));
  process.stdout.write(row('dfl + SBI (2 samples per file), in-thread', rates.sbi0));
  process.stdout.write(row('PIL + torchvision 0.14, DataLoader num_workers=0', rates.tv0));
  process.stdout.write(row('PIL + torchvision 0.14, DataLoader num_workers=2', rates.tv2, false));
  const best = (xs: Rate[][]) => Math.max(...xs.map(wall));
  process.stdout.write(
    `  ratios (same run): dfl workers/torchvision num_workers=0 ${(wall(rates.seedW) / wall(rates.tv0)).toFixed(2)}x, ` +
      `/num_workers=2 ${(wall(rates.seedW) / wall(rates.tv2)).toFixed(2)}x; best dfl/best torchvision ${(best([rates.seedW, rates.seed0]) / best([rates.tv0, rates.tv2])).toFixed(2)}x; ` +
      `CPU-efficiency dfl in-thread/torchvision num_workers=0 ${(cpu(rates.tv0) / cpu(rates.seed0)).toFixed(2)}x\n`,
  );
  const fmt = (xs: Rate[]) => xs.map((x) => x.perSecond.toFixed(0)).join(', ');
  process.stdout.write(`  all rounds (img/s): dfl workers ${fmt(rates.seedW)} | dfl in-thread ${fmt(rates.seed0)} | sbi workers ${fmt(rates.sbiW)} | sbi in-thread ${fmt(rates.sbi0)} | tv0 ${fmt(rates.tv0)} | tv2 ${fmt(rates.tv2)}\n`);
}

/**
 * Most datasets need resizing: the same transforms on larger JPEGs, resized to the input (the loader's Pillow-exact
 * resize, in C on the fast path; Resize on PIL images for torchvision, the same bytes). In-thread against both
 * torchvision settings, interleaved.
 */
async function resizeThroughput(items: DatasetItem[], listFile: string, flips: Steps): Promise<void> {
  const loader = makeLoader(items, flips, 0);
  for await (const _ of loader.epoch(99)) break;
  const rates: Record<'dfl' | 'tv0' | 'tv2', Rate[]> = { dfl: [], tv0: [], tv2: [] };
  const load: string[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    load.push(loadavg()[0].toFixed(1));
    rates.dfl.push(await nodeRate(loader, r));
    rates.tv0.push(torchRate(listFile, 0));
    rates.tv2.push(torchRate(listFile, 2));
  }
  await loader.close();
  const wall = (xs: Rate[]) => median(xs.map((x) => x.perSecond));
  const cpu = (xs: Rate[]) => median(xs.map((x) => x.cpuMs));
  process.stdout.write(`decode + resize ${RESIZE_FROM} -> ${SIZE} (bilinear) + hflip + vflip + normalise (median of ${ROUNDS} rounds; load ${load.join(', ')})\n`);
  process.stdout.write(`  ${'dfl createBatchLoader, in-thread (workers 0)'.padEnd(60)} ${wall(rates.dfl).toFixed(0).padStart(5)} img/s  ${cpu(rates.dfl).toFixed(2).padStart(5)} CPU ms/img\n`);
  process.stdout.write(`  ${'PIL + torchvision 0.14, DataLoader num_workers=0'.padEnd(60)} ${wall(rates.tv0).toFixed(0).padStart(5)} img/s  ${cpu(rates.tv0).toFixed(2).padStart(5)} CPU ms/img\n`);
  process.stdout.write(`  ${'PIL + torchvision 0.14, DataLoader num_workers=2'.padEnd(60)} ${wall(rates.tv2).toFixed(0).padStart(5)} img/s\n`);
  process.stdout.write(
    `  ratios (same run): dfl/torchvision num_workers=0 ${(wall(rates.dfl) / wall(rates.tv0)).toFixed(2)}x, /num_workers=2 ${(wall(rates.dfl) / wall(rates.tv2)).toFixed(2)}x; ` +
      `best dfl/best torchvision ${(wall(rates.dfl) / Math.max(wall(rates.tv0), wall(rates.tv2))).toFixed(2)}x\n`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dfl-bench-data-'));
  try {
    process.stdout.write(`bench:data  ${FILES} JPEGs of ${SIZE}x${SIZE} (demo faces), ${ROUNDS} rounds, median; ${availableParallelism()} CPUs, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}\n`);
    const items = await makeFiles(path.join(dir, 'img'));
    const listFile = path.join(dir, 'files.txt');
    writeFileSync(listFile, items.map((i) => i.path).join('\n'));
    const flips = [{ name: 'hflip', p: 0.5 }, { name: 'vflip', p: 0.5 }];
    await nodeRate(makeLoader(items.slice(0, 64), flips, 0), 99); // warm-up: page cache, sharp/libvips init, JIT
    if (!RSS_ONLY) await throughput(items, listFile, flips);
    if (!RSS_ONLY && RESIZE_FROM > 0) {
      const larger = await makeFiles(path.join(dir, 'img-resize'), RESIZE_FROM);
      const largerList = path.join(dir, 'files-resize.txt');
      writeFileSync(largerList, larger.map((i) => i.path).join('\n'));
      await resizeThroughput(larger, largerList, flips);
    }
    // memory: stream up to max(RSS_POINTS) images through one loader, sampling RSS at each point
    const total = Math.max(...RSS_POINTS);
    const many: DatasetItem[] = Array.from({ length: total }, (_, i) => ({ ...items[i % items.length], name: `n${i}.jpg` }));
    // the loader as `dfl run` would set it up for this many samples (on 2 CPUs: in the loader's thread), unless --rss-workers says
    const rssWorkers = Number(arg('rss-workers', String(defaultWorkers(total))));
    const loader = makeLoader(many, flips, rssWorkers);
    let seen = 0;
    let peak = 0;
    const points = [...RSS_POINTS].sort((a, b) => a - b);
    const start = performance.now();
    process.stdout.write(`RSS while streaming ${total} images (${items.length} files reused under distinct names), batch 32, ${rssWorkers} worker threads:\n`);
    for await (const batch of loader.epoch(0)) {
      seen += batch.size;
      batch.release?.();
      peak = Math.max(peak, process.memoryUsage().rss);
      while (points.length > 0 && seen >= points[0]) {
        // with --expose-gc (the npm script sets it) collect first, so the figure is what is retained, not GC timing
        (globalThis as { gc?: () => void }).gc?.();
        const m = process.memoryUsage();
        process.stdout.write(`  after ${String(points.shift()).padStart(6)} images: rss ${mb(m.rss)}, heap used ${mb(m.heapUsed)}, external ${mb(m.external)}, peak rss ${mb(peak)}  (${(seen / ((performance.now() - start) / 1000)).toFixed(0)} img/s, load ${loadavg()[0].toFixed(1)})\n`);
      }
    }
    await loader.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
