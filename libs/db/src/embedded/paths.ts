import * as path from 'node:path';

/** The repository root: this file is <repo>/libs/db/src/embedded/paths.ts and runs from source (no build step). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Where dfl keeps its local state: `$DFL_HOME`, else `<repo>/.dfl`. */
export function dflHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.DFL_HOME && env.DFL_HOME.trim() !== '' ? env.DFL_HOME : path.join(REPO_ROOT, '.dfl'));
}

/** Files of one embedded PostgreSQL installation, all under `<home>/postgres`. */
export interface EmbeddedLayout {
  /** `<home>/postgres`: the folder that is locked while the server is set up or stopped. */
  root: string;
  /** PGDATA, owned by the user the server runs as. */
  dataDir: string;
  /** Server log (pg_ctl -l). */
  logFile: string;
  /** `{ port, pid, ... }` of the last start, so the next command reuses the server. */
  stateFile: string;
  /** The superuser password, generated at initdb, readable by the owner only. */
  passwordFile: string;
}

export function embeddedLayout(home: string = dflHome()): EmbeddedLayout {
  const root = path.join(path.resolve(home), 'postgres');
  return {
    root,
    dataDir: path.join(root, 'data'),
    logFile: path.join(root, 'server.log'),
    stateFile: path.join(root, 'state.json'),
    passwordFile: path.join(root, 'password'),
  };
}
