/**
 * Throughput and latency of the test API (`dfl serve`) under a concurrent load from autocannon, and single-image
 * latency of `dfl predict`, on a model made here the way a user makes one: demo data, `dfl run` (1 epoch) and
 * `dfl promote`, on a throwaway embedded PostgreSQL. References measured in the same run: the same load with
 * micro-batching off (`--max-batch 1`), and the CLI's own start-up (`dfl --help`) next to `dfl predict`.
 * Prints figures; it is not a test.
 *
 *   npm run bench:serve                                   # tiny_cnn at 64 px, engine auto, 10 s per load
 *   npm run bench:serve -- --engine wasm --seconds 5 --connections 32
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { generateDemoDataset } from '@dfl/data';
import { startTestDatabase } from '@dfl/db';

const REPO = path.join(__dirname, '..', '..');
const DFL = path.join(REPO, 'apps', 'runner', 'bin', 'dfl.js');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const ENGINE = arg('engine', 'auto');
const SECONDS = Number(arg('seconds', '10'));
const CONNECTIONS = Number(arg('connections', '16'));
const SIZE = Number(arg('size', '64'));

let work = '';
let env: NodeJS.ProcessEnv = process.env;

function dflSync(args: string[]): { ms: number; stdout: string } {
  const t = performance.now();
  const res = spawnSync(process.execPath, [DFL, ...args], { cwd: work, env, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (res.status !== 0) throw new Error(`dfl ${args.join(' ')} failed (${res.status}):\n${res.stderr}`);
  return { ms, stdout: res.stdout };
}

async function startServer(extra: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [DFL, 'serve', 'submission/package', '--port', '0', '--root', 'demo', ...extra], { cwd: work, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const m = /on (http:\/\/[^ ]+)/.exec(line);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`dfl serve exited (${code})`)));
  });
  return { child, url };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Load {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  batch: number;
}

async function load(url: string, label: string, connections: number, requests: autocannon.Request[]): Promise<Load> {
  const before = (await (await fetch(`${url}/health`)).json()) as { batches: number; items: number };
  const r = await autocannon({ url: `${url}/predict`, connections, duration: SECONDS, requests });
  const after = (await (await fetch(`${url}/health`)).json()) as { batches: number; items: number };
  const batches = after.batches - before.batches;
  return {
    label,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.non2xx,
    batch: batches > 0 ? (after.items - before.items) / batches : 0,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const db = await startTestDatabase();
  work = mkdtempSync(path.join(tmpdir(), 'dfl-bench-serve-'));
  env = { ...process.env, DATABASE_URL: db.url, DFL_HOME: path.join(work, '.dfl') };
  try {
    process.stderr.write(`preparing: demo data, a 1-epoch tiny_cnn run at ${SIZE} px, promote (engine ${ENGINE})...\n`);
    await generateDemoDataset({ dir: path.join(work, 'demo'), n: 64, size: SIZE, seed: 1, quiet: true });
    writeFileSync(
      path.join(work, 'bench.yaml'),
      `name: bench-serve\nengine: ${ENGINE}\ndata: { root: ./demo, image_size: ${SIZE} }\nmodel: { backbone: tiny_cnn }\n` +
        `tta: { views: [{ name: identity }, { name: hflip }] }\ntrain: { epochs: 1, batch_size: 16, seed: 1 }\neval: { bootstrap: { n: 10 } }\n`,
    );
    const runId = dflSync(['run', 'bench.yaml', '--quiet']).stdout.trim().split('\n').pop() as string;
    dflSync(['promote', runId, '--test', 'demo/testset', '--out', 'submission', '--quiet']);
    const images = readdirSync(path.join(work, 'demo', 'testset')).slice(0, 8);
    const pathRequests: autocannon.Request[] = images.map((name) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: `testset/${name}` }) }));
    const uploadRequests: autocannon.Request[] = images.map((name) => ({
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: readFileSync(path.join(work, 'demo', 'testset', name)),
    }));

    const results: Load[] = [];
    let server = await startServer([]);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { engine: string; backbone: string; imageSize: number; tta: string[] };
    results.push(await load(server.url, 'path, 1 connection (single-image latency)', 1, pathRequests));
    results.push(await load(server.url, `path, ${CONNECTIONS} connections, micro-batched`, CONNECTIONS, pathRequests));
    results.push(await load(server.url, `upload, ${CONNECTIONS} connections, micro-batched`, CONNECTIONS, uploadRequests));
    await stopServer(server.child);
    server = await startServer(['--max-batch', '1']);
    results.push(await load(server.url, `path, ${CONNECTIONS} connections, batching off (reference)`, CONNECTIONS, pathRequests));
    await stopServer(server.child);

    const image = path.join('demo', 'testset', images[0]);
    const predictMs: number[] = [];
    const startupMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      startupMs.push(dflSync(['--help']).ms);
      predictMs.push(dflSync(['predict', 'submission/package', image]).ms);
    }

    const out: string[] = [];
    out.push(`dfl serve: ${health.backbone} @ ${health.imageSize} px, TTA ${health.tta.join('+')} (${health.tta.length} forward passes per image), engine ${health.engine}, ${SECONDS} s per load`);
    out.push('  load                                                  req/s    p50 ms   p99 ms   requests  errors  mean batch');
    for (const r of results) {
      out.push(`  ${r.label.padEnd(52)}  ${r.rps.toFixed(1).padStart(7)}  ${String(r.p50).padStart(7)}  ${String(r.p99).padStart(7)}  ${String(r.requests).padStart(8)}  ${String(r.errors).padStart(6)}  ${r.batch.toFixed(1).padStart(10)}`);
    }
    const batched = results[1];
    const reference = results[3];
    out.push(`  micro-batching: ${(batched.rps / Math.max(1e-9, reference.rps)).toFixed(2)}x the requests/s of batching off, p99 ${(batched.p99 / Math.max(1e-9, reference.p99)).toFixed(2)}x`);
    out.push(`dfl predict, one image (wall, median of 3): ${median(predictMs).toFixed(0)} ms; dfl --help (CLI start-up reference): ${median(startupMs).toFixed(0)} ms; ` + `model load + score ~${(median(predictMs) - median(startupMs)).toFixed(0)} ms`);
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await db.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
