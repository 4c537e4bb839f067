import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { embeddedPostgresStatus, redactUrl, startEmbeddedPostgres, stopEmbeddedPostgres } from './embedded-postgres';

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  let home: string;

  beforeAll(() => {
    home = mkdtempSync(path.join(tmpdir(), 'dfl-test-pg-'));
    chmodSync(home, 0o755);
  });
  afterAll(async () => {
    await stopEmbeddedPostgres({ home });
    rmSync(home, { recursive: true, force: true });
  }, 30_000);

  it('starts once when asked twice at the same time, then is reused, stopped and started again with its data', async () => {
    expect(await embeddedPostgresStatus({ home })).toMatchObject({ initialised: false, running: false });

    const [a, b] = await Promise.all([startEmbeddedPostgres({ home, ephemeral: true }), startEmbeddedPostgres({ home, ephemeral: true })]);
    expect([a.startedNow, b.startedNow].sort()).toEqual([false, true]);
    expect(b.pid).toBe(a.pid);
    expect(b.url).toBe(a.url);
    await query(a.url, 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)');

    const status = await embeddedPostgresStatus({ home });
    expect(status).toMatchObject({ initialised: true, running: true, port: a.port, pid: a.pid, url: a.url });
    expect(redactUrl(a.url)).not.toContain(new URL(a.url).password);

    const again = await startEmbeddedPostgres({ home });
    expect(again).toMatchObject({ startedNow: false, pid: a.pid });

    expect(await stopEmbeddedPostgres({ home })).toBe(true);
    expect(await stopEmbeddedPostgres({ home })).toBe(false);
    expect(await embeddedPostgresStatus({ home })).toMatchObject({ initialised: true, running: false, url: null });

    const restarted = await startEmbeddedPostgres({ home, ephemeral: true });
    expect(restarted.startedNow).toBe(true);
    expect(restarted.port).toBe(a.port); // the state file's port, still free
    expect(await query(restarted.url, 'SELECT x FROM kept')).toEqual([{ x: 7 }]);
  }, 120_000); // initdb + three starts: seconds here, much more on a loaded machine

  it('accepts only its password', async () => {
    const { url } = await startEmbeddedPostgres({ home });
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  }, 60_000);

  // As root the server runs as `postgres`; as anyone else it runs as the caller, who can always enter the folder.
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  (asRoot ? it : it.skip)('as root, names the folder the postgres user cannot enter instead of failing inside initdb', async () => {
    const closed = mkdtempSync(path.join(tmpdir(), 'dfl-test-pg-closed-')); // mkdtemp makes it 0700
    try {
      await expect(startEmbeddedPostgres({ home: path.join(closed, 'home') })).rejects.toThrow(
        `the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${closed} (mode 700)`,
      );
    } finally {
      rmSync(closed, { recursive: true, force: true });
    }
  });
});
