/**
 * GET /api/runs under load on 10^4 seeded runs, with autocannon against the real service (a child process running
 * apps/leaderboard/src/main.ts, as `dfl board` does) on a throwaway embedded PostgreSQL. Prints requests/s and
 * latency percentiles at full speed and at a fixed 200 req/s; the reference, measured in the same run, is an endpoint
 * of the same service that touches no database (the OpenAPI document), so the ratio shows what the query costs.
 * List pages are cached by the service until a run changes (any process: run_changes_seq + LISTEN/NOTIFY); the
 * scenarios show that steady state, the same load while a run changes 10 times a second (each change drops the
 * cache), and a second service with the cache off (LEADERBOARD_LIST_CACHE=0), which queries PostgreSQL every time.
 * Rates: 200 req/s (the goal) and 100 req/s (the machine is shared: the lower rate shows how much is queueing).
 * It prints figures; it is not a test.
 *
 *   npm run bench:board              # 10^4 runs, 10 s per scenario
 *   npm run bench:board -- 20000 5   # runs, seconds per scenario
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { FIXTURE_RUNS, freePort, seedFixtureRuns, startTestDatabase } from '@dfl/db';

const RUNS = Number(process.argv[2] ?? 10_000);
const SECONDS = Number(process.argv[3] ?? 10);
const RATE = 200;
const LOW_RATE = 100;
/** While the "changing" scenario runs, a run's epoch count moves this often (ms). */
const CHANGE_EVERY_MS = 100;
const GOAL_P99_MS = 20;
const REPO = path.resolve(__dirname, '..', '..');

interface Figures {
  name: string;
  /** CPU milliseconds per request: the service (node) and PostgreSQL (all backends). Less sensitive to a busy machine than latency. */
  nodeCpuMs: number;
  pgCpuMs: number;
  reqPerS: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
}

const TICK_MS = 10; // Linux USER_HZ = 100

/** utime + stime of a process, in ms (0 if it is gone). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
}

/** CPU of every child of the postmaster (the backends serving the pools), by pid. */
function postgresCpuMs(postmaster: number): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parentOf(Number(entry)) === postmaster) byPid.set(Number(entry), cpuMs(Number(entry)));
    } catch {
      // exited meanwhile
    }
  }
  return byPid;
}

/** CPU the backends used between two samples (a backend that exited meanwhile is not counted). */
function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

async function load(name: string, url: string, pids: { service: number; postmaster: number }, overallRate?: number): Promise<Figures> {
  const node0 = cpuMs(pids.service);
  const pg0 = postgresCpuMs(pids.postmaster);
  const r = await autocannon({ url, connections: 10, duration: SECONDS, ...(overallRate ? { overallRate } : {}) });
  const requests = Math.max(r.requests.total, 1);
  return {
    name,
    nodeCpuMs: (cpuMs(pids.service) - node0) / requests,
    pgCpuMs: cpuDelta(pg0, postgresCpuMs(pids.postmaster)) / requests,
    reqPerS: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

function startService(databaseUrl: string, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(REPO, 'apps/leaderboard/src/main.ts')], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), SWC_NODE_PROJECT: path.join(REPO, 'tsconfig.base.json'), ...env },
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('leaderboard:') && resolve(child));
    child.once('exit', (code) => reject(new Error(`leaderboard exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const db = await startTestDatabase();
  let service: ChildProcess | undefined;
  let uncached: ChildProcess | undefined;
  try {
    const t0 = Date.now();
    await seedFixtureRuns(db.dataSource, { generated: RUNS });
    await db.dataSource.query('VACUUM ANALYZE');
    process.stdout.write(`seeded ${RUNS} generated runs (+ fixtures) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const port = await freePort();
    service = await startService(db.url, port);
    const [{ pid: backend }] = (await db.dataSource.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
    const pids = { service: service.pid!, postmaster: parentOf(backend) };
    const base = `http://127.0.0.1:${port}`;
    // The same service without its list cache and with list totals always counted: every request queries PostgreSQL.
    const uncachedPort = await freePort();
    uncached = await startService(db.url, uncachedPort, { LEADERBOARD_LIST_CACHE: '0', LEADERBOARD_COUNT_CACHE_MS: '0' });
    await autocannon({ url: `${base}/api/runs`, connections: 4, duration: 2 }); // warm-up (JIT, pool, plans)
    await autocannon({ url: `http://127.0.0.1:${uncachedPort}/api/runs`, connections: 4, duration: 2 });

    const running = FIXTURE_RUNS.find((r) => r.status === 'running')!.id;
    const changing = async <T>(work: () => Promise<T>): Promise<T> => {
      const timer = setInterval(() => {
        void db.dataSource.query('UPDATE runs SET epochs_done = epochs_done + 1 WHERE id = $1', [running]);
      }, CHANGE_EVERY_MS);
      try {
        return await work();
      } finally {
        clearInterval(timer);
      }
    };
    const sorted = '/api/runs?sort=eer&status=finished&offset=5000';
    const filtered = '/api/runs?q=resnet&dataset=demo&page=3';
    const uncachedBase = `http://127.0.0.1:${uncachedPort}`;
    const uncachedPids = { service: uncached.pid!, postmaster: pids.postmaster };
    const scenarios: Array<{ name: string; run: () => Promise<Figures>; goal?: boolean }> = [
      { name: 'reference: /api/docs/openapi.json (no DB), max', run: () => load('', `${base}/api/docs/openapi.json`, pids) },
      { name: `reference: /api/docs/openapi.json @${RATE}/s`, run: () => load('', `${base}/api/docs/openapi.json`, pids, RATE) },
      { name: '/api/runs (ranked page of 50), max', run: () => load('', `${base}/api/runs`, pids) },
      { name: `/api/runs @${RATE}/s`, run: () => load('', `${base}/api/runs`, pids, RATE), goal: true },
      { name: `/api/runs @${LOW_RATE}/s`, run: () => load('', `${base}/api/runs`, pids, LOW_RATE) },
      { name: `/api/runs @${RATE}/s, a run changing every ${CHANGE_EVERY_MS} ms`, run: () => changing(() => load('', `${base}/api/runs`, pids, RATE)), goal: true },
      { name: `${sorted} @${RATE}/s`, run: () => load('', base + sorted, pids, RATE), goal: true },
      { name: `${sorted} @${RATE}/s, changing`, run: () => changing(() => load('', base + sorted, pids, RATE)), goal: true },
      { name: `${filtered} @${RATE}/s`, run: () => load('', base + filtered, pids, RATE), goal: true },
      { name: `no list cache: /api/runs @${RATE}/s`, run: () => load('', `${uncachedBase}/api/runs`, uncachedPids, RATE) },
      { name: `no list cache: ${sorted} @${LOW_RATE}/s`, run: () => load('', uncachedBase + sorted, uncachedPids, LOW_RATE) },
      { name: `no list cache: ${filtered} @${RATE}/s`, run: () => load('', uncachedBase + filtered, uncachedPids, RATE) },
    ];
    const results: Figures[] = [];
    for (const scenario of scenarios) {
      results.push({ ...(await scenario.run()), name: scenario.name });
      process.stdout.write('.');
    }
    process.stdout.write('\n\n');
    const w = Math.max(...results.map((r) => r.name.length));
    process.stdout.write(`${'scenario'.padEnd(w)}  req/s    p50 ms  p90 ms  p99 ms  max ms  errors  CPU ms/req node+pg\n`);
    for (const r of results) {
      process.stdout.write(
        `${r.name.padEnd(w)}  ${r.reqPerS.toFixed(0).padStart(6)}  ${r.p50.toFixed(1).padStart(6)}  ${r.p90.toFixed(1).padStart(6)}  ${r.p99.toFixed(1).padStart(6)}  ${r.max.toFixed(0).padStart(6)}  ${String(r.errors).padStart(6)}  ${r.nodeCpuMs.toFixed(2)}+${r.pgCpuMs.toFixed(2)}\n`,
      );
    }
    const [refMax, refRate, runsMax, runsRate] = results;
    process.stdout.write(
      `\n/api/runs vs reference: ${(runsMax.reqPerS / refMax.reqPerS).toFixed(2)}x the requests/s at full speed, ` +
        `p99 at ${RATE}/s ${runsRate.p99.toFixed(1)} ms vs ${refRate.p99.toFixed(1)} ms\n`,
    );
    const perReq = runsRate.nodeCpuMs + runsRate.pgCpuMs;
    process.stdout.write(
      `CPU per /api/runs request: ${perReq.toFixed(2)} ms => ${RATE} req/s needs ${((perReq * RATE) / 1000).toFixed(2)} cores ` +
        `(machine: 2 cores, load average ${(await import('node:os')).loadavg()[0].toFixed(1)} while measuring)\n`,
    );
    const goal = results.filter((_, i) => scenarios[i].goal);
    const worst = goal.reduce((a, b) => (b.p99 > a.p99 ? b : a));
    process.stdout.write(
      `goal p99 <= ${GOAL_P99_MS} ms at ${RATE} req/s: worst /api/runs p99 ${worst.p99.toFixed(1)} ms (${worst.name}) => ${worst.p99 <= GOAL_P99_MS ? 'met' : 'NOT met'}; ` +
        `reference p99 at the same rate ${refRate.p99.toFixed(1)} ms\n`,
    );
  } finally {
    service?.kill('SIGTERM');
    uncached?.kill('SIGTERM');
    await db.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
