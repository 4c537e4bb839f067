/*
 * Cost of one SBI pseudo-fake (selfBlend alone, no decode or normalise), on decoded 256 px demo faces.
 * Not a test: prints figures.
 *   node -r @swc-node/register bench/data/bench-sbi.ts [--images 48] [--rounds 7] [--size 256]
 * CPU ms is process.cpuUsage over all threads (sharp works on libuv's and libvips' threads), so it counts work
 * done off the main thread too and is robust to other load; wall ms is one call at a time, awaited.
 * Two cases: the ellipse mask (no landmarks) and the landmark-hull mask (a fixed 68-point-like outline).
 */
import { loadavg } from 'node:os';
import { SeededRandom } from '@dfl/core';
import { decodeImage, demoImage, selfBlend, type RgbImage } from '@dfl/data';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const IMAGES = Number(arg('images', '48'));
const ROUNDS = Number(arg('rounds', '7'));
const SIZE = Number(arg('size', '256'));

/** A face outline (jaw, brows) in fractions of the crop, like the hull of 68-point landmarks on a centred face. */
const FACE_OUTLINE: Array<[number, number]> = Array.from({ length: 24 }, (_, i) => {
  const t = (i / 24) * 2 * Math.PI;
  return [0.5 + 0.3 * Math.cos(t), 0.55 + 0.36 * Math.sin(t)];
});

interface Round {
  readonly cpuMs: number;
  readonly wallMs: number;
}

async function round(images: RgbImage[], seed: number, landmarks?: Array<[number, number]>): Promise<Round> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < images.length; i++) await selfBlend(images[i], new SeededRandom(seed * 1000 + i), undefined, landmarks);
  const wallMs = (performance.now() - start) / images.length;
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000 / images.length, wallMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const images: RgbImage[] = [];
  for (let i = 0; i < IMAGES; i++) images.push(await decodeImage(await demoImage(SIZE, false, new SeededRandom(i))));
  // warm-up: JIT, sharp/libvips start-up
  await round(images, 0);
  await round(images, 0, FACE_OUTLINE);
  const cases = { ellipse: [] as Round[], hull: [] as Round[] };
  const load: string[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    load.push(loadavg()[0].toFixed(2));
    cases.ellipse.push(await round(images, r));
    cases.hull.push(await round(images, r, FACE_OUTLINE));
  }
  process.stdout.write(`bench:sbi  selfBlend on ${IMAGES} decoded ${SIZE}px demo faces, median of ${ROUNDS} rounds; 1-min load at each round: ${load.join(', ')}\n`);
  for (const [name, rounds] of Object.entries(cases)) {
    const cpu = median(rounds.map((r) => r.cpuMs));
    const wall = median(rounds.map((r) => r.wallMs));
    process.stdout.write(`  ${name.padEnd(8)} mask: ${cpu.toFixed(2).padStart(6)} CPU ms/call  ${wall.toFixed(2).padStart(6)} wall ms/call  (rounds CPU ms: ${rounds.map((r) => r.cpuMs.toFixed(2)).join(', ')})\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exitCode = 1;
});
