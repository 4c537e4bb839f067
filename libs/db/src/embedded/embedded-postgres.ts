import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Client } from 'pg';
import * as lockfile from 'proper-lockfile';
import { UserError, writeFileAtomic } from '@dfl/core';
import { postgresBinaries } from './binaries';
import { dflHome, embeddedLayout, type EmbeddedLayout } from './paths';

export interface EmbeddedOptions {
  /** dfl's state folder; the server lives in `<home>/postgres`. Default: {@link dflHome}. */
  home?: string;
  /** Port to listen on (127.0.0.1 only). Default: the port of the last start if free, else any free port. */
  port?: number;
  /** Database created for dfl. */
  database?: string;
  /** Trade durability for speed (fsync off): for throwaway test clusters only. */
  ephemeral?: boolean;
  /** Progress messages ("initialising ...", "started ..."). */
  log?: (message: string) => void;
}

export interface EmbeddedServer {
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  /** false when an already running server was reused. */
  startedNow: boolean;
}

export interface EmbeddedStatus {
  dataDir: string;
  initialised: boolean;
  running: boolean;
  port: number | null;
  pid: number | null;
  url: string | null;
  logFile: string;
}

const SUPERUSER = 'postgres';
export const DEFAULT_DATABASE = 'dfl';

/**
 * Starts the embedded PostgreSQL of `home` unless it is already running, and returns its URL.
 * The server is a daemon of its own (pg_ctl, own session): it outlives this process so the next command reuses
 * it, and a Ctrl-C in the terminal does not reach it. Set-up happens under a file lock, so two `dfl` processes
 * starting at once never both run initdb or start two servers.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const layout = embeddedLayout(options.home ?? dflHome());
  const database = options.database ?? DEFAULT_DATABASE;
  const log = options.log ?? (() => undefined);
  return withSetupLock(layout, async () => {
    const owner = serverUser();
    const running = await runningServer(layout);
    if (running) {
      const password = await readPassword(layout);
      await ensureDatabase(running.port, password, database);
      return { ...running, url: buildUrl(running.port, password, database), dataDir: layout.dataDir, startedNow: false };
    }
    if (!existsSync(path.join(layout.dataDir, 'PG_VERSION'))) {
      log(`initialising PostgreSQL in ${layout.dataDir}`);
      await initialise(layout, owner);
    }
    const state = await readState(layout);
    const port = options.port ?? (state?.port && (await portIsFree(state.port)) ? state.port : await freePort());
    await startServer(layout, owner, port, options.ephemeral ?? false);
    const started = await runningServer(layout);
    if (!started) throw new Error(`PostgreSQL did not start; see ${layout.logFile}`);
    await writeFileAtomic(layout.stateFile, JSON.stringify({ port: started.port, pid: started.pid, startedAt: new Date().toISOString() }, null, 2));
    const password = await readPassword(layout);
    await ensureDatabase(started.port, password, database);
    log(`PostgreSQL started on 127.0.0.1:${started.port} (pid ${started.pid})`);
    return { ...started, url: buildUrl(started.port, password, database), dataDir: layout.dataDir, startedNow: true };
  });
}

/** Stops the embedded server of `home` (fast shutdown: open transactions are rolled back). false if it was not running. */
export async function stopEmbeddedPostgres(options: Pick<EmbeddedOptions, 'home'> = {}): Promise<boolean> {
  const layout = embeddedLayout(options.home ?? dflHome());
  if (!existsSync(layout.root)) return false;
  return withSetupLock(layout, async () => {
    // Only the postmaster's pid matters here: a server that is alive but not answering must be stopped too.
    if (!(await postmaster(layout))) return false;
    const { pgCtl } = postgresBinaries();
    await runAs(serverUser(), pgCtl, ['stop', '-D', layout.dataDir, '-m', 'fast', '-w', '-t', '60'], layout);
    return true;
  });
}

/**
 * Stops the server of `home` immediately and synchronously: for a process 'exit' handler (throwaway test clusters
 * whose owner crashed or forgot to stop them). Does nothing if it is not running.
 */
export function stopEmbeddedPostgresSync(options: Pick<EmbeddedOptions, 'home'>): void {
  const layout = embeddedLayout(options.home ?? dflHome());
  if (!existsSync(path.join(layout.dataDir, 'postmaster.pid'))) return;
  const owner = serverUser();
  spawnSync(postgresBinaries().pgCtl, ['stop', '-D', layout.dataDir, '-m', 'immediate', '-w', '-t', '30'], { ...(owner ?? {}), stdio: 'ignore', cwd: layout.root });
}

/** What `dfl db status` shows. Never starts anything. */
export async function embeddedPostgresStatus(options: Pick<EmbeddedOptions, 'home' | 'database'> = {}): Promise<EmbeddedStatus> {
  const layout = embeddedLayout(options.home ?? dflHome());
  const initialised = existsSync(path.join(layout.dataDir, 'PG_VERSION'));
  const running = initialised ? await runningServer(layout) : null;
  const url = running ? buildUrl(running.port, await readPassword(layout), options.database ?? DEFAULT_DATABASE) : null;
  return { dataDir: layout.dataDir, initialised, running: running !== null, port: running?.port ?? null, pid: running?.pid ?? null, url, logFile: layout.logFile };
}

/** The URL with its password replaced, for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function buildUrl(port: number, password: string, database: string): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function withSetupLock<T>(layout: EmbeddedLayout, fn: () => Promise<T>): Promise<T> {
  await fs.mkdir(layout.root, { recursive: true, mode: 0o755 });
  const release = await lockfile.lock(layout.root, {
    realpath: false,
    lockfilePath: path.join(layout.root, 'setup.lock'),
    // A live holder refreshes the lock; one that died leaves it stale after 10 s. initdb takes a few seconds.
    stale: 10_000,
    retries: { retries: 1200, factor: 1, minTimeout: 100, maxTimeout: 100 },
    onCompromised: (err) => process.emitWarning(`embedded PostgreSQL set-up lock: ${err.message}`),
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}

interface Owner {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` system user. */
function serverUser(): Owner | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new UserError(
      'running as root, PostgreSQL needs a "postgres" system user to run as (create one with `useradd --system postgres`), or set DATABASE_URL',
    );
  }
}

/**
 * As root the server runs as `postgres`, which must be able to pass through every folder above the data folder: a
 * private (0700) temp folder or home folder above DFL_HOME makes initdb fail with a bare "Permission denied".
 */
function assertReachableBy(owner: Owner, dir: string): void {
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    const st = statSync(p);
    const passable = st.uid === owner.uid ? st.mode & 0o100 : st.gid === owner.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!passable) {
      throw new UserError(
        `the embedded PostgreSQL runs as the "${SUPERUSER}" user, which cannot enter ${p} (mode ${(st.mode & 0o777).toString(8)}): ` +
          `put DFL_HOME (now ${dir}) under a folder it can reach, open that folder with chmod o+x, or set DATABASE_URL`,
      );
    }
    if (p === path.dirname(p)) return;
  }
}

async function initialise(layout: EmbeddedLayout, owner: Owner | null): Promise<void> {
  const { initdb } = postgresBinaries();
  if (owner) assertReachableBy(owner, layout.root);
  // A half-made data dir from an interrupted initdb would make the next one fail: start clean.
  await fs.rm(layout.dataDir, { recursive: true, force: true });
  await fs.mkdir(layout.dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  const pwfile = path.join(layout.root, `initdb-pw-${process.pid}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (owner) {
      await fs.chown(layout.dataDir, owner.uid, owner.gid);
      await fs.chown(pwfile, owner.uid, owner.gid);
    }
    const args = [`--pgdata=${layout.dataDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwfile}`];
    await runAs(owner, initdb, [...args, '--encoding=UTF8', '--no-locale', '--no-sync', '--no-instructions'], layout);
  } finally {
    await fs.rm(pwfile, { force: true });
  }
  await writeFileAtomic(layout.passwordFile, password);
  await fs.chmod(layout.passwordFile, 0o600);
}

async function startServer(layout: EmbeddedLayout, owner: Owner | null, port: number, ephemeral: boolean): Promise<void> {
  const { pgCtl } = postgresBinaries();
  if (!existsSync(layout.logFile)) await fs.writeFile(layout.logFile, '');
  if (owner) await fs.chown(layout.logFile, owner.uid, owner.gid);
  const settings = [`-p ${port}`, '-c listen_addresses=127.0.0.1', "-c unix_socket_directories=''"];
  if (ephemeral) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
  try {
    await runAs(owner, pgCtl, ['start', '-D', layout.dataDir, '-w', '-t', '60', '-l', layout.logFile, '-o', settings.join(' ')], layout);
  } catch (err) {
    const tail = (await fs.readFile(layout.logFile, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
    throw new Error(`${(err as Error).message}\n--- ${layout.logFile} (last lines) ---\n${tail}`);
  }
}

/** Runs a PostgreSQL tool as the cluster's owner, in its own session (detached from our terminal's signals). */
function runAs(owner: Owner | null, file: string, args: string[], layout: EmbeddedLayout): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...(owner ?? {}),
      cwd: layout.root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(file)} ${args[0]} failed (exit ${code}): ${output.trim()}`));
    });
  });
}

interface Running {
  port: number;
  pid: number;
}

/** The server of this data dir if its postmaster is alive and answers; null otherwise. */
async function runningServer(layout: EmbeddedLayout): Promise<Running | null> {
  const running = await postmaster(layout);
  return running && (await answers(running.port)) ? running : null;
}

/** The postmaster of this data dir if its process is alive (it may still be starting or stopping). */
async function postmaster(layout: EmbeddedLayout): Promise<Running | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(layout.dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  // postmaster.pid: line 1 pid, line 4 port (see PostgreSQL's pidfile.h).
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !processAlive(pid)) return null;
  return { pid, port };
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether a process with this pid exists on this host (EPERM means it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readState(layout: EmbeddedLayout): Promise<{ port?: number } | null> {
  try {
    return JSON.parse(await fs.readFile(layout.stateFile, 'utf8')) as { port?: number };
  } catch {
    return null;
  }
}

async function readPassword(layout: EmbeddedLayout): Promise<string> {
  try {
    return (await fs.readFile(layout.passwordFile, 'utf8')).trim();
  } catch {
    throw new Error(`${layout.passwordFile} is missing: the embedded PostgreSQL in ${layout.root} was not set up by dfl; remove the folder to start afresh`);
  }
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
