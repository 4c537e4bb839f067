import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root and the `dfl` entry point the e2e specs run, as a user's shell would. */
export const ROOT = path.join(__dirname, '..', '..', '..', '..');
export const DFL = path.join(ROOT, 'apps', 'runner', 'bin', 'dfl.js');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** Resolves when the process exits, with everything it printed. */
  readonly done: Promise<Exit>;
  /** The exit, once it has happened (null while it runs): lets a waiting loop fail fast. */
  readonly exited: () => Exit | null;
}

/** Starts `dfl <args>` in a child process (the real CLI) in `cwd`, with `env` over this process's environment. */
export function startDfl(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): CliProcess {
  const child = spawn(process.execPath, [DFL, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  let exit: Exit | null = null;
  const done = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => {
      exit = { code, signal, stdout, stderr };
      resolve(exit);
    }),
  );
  return { child, done, exited: () => exit };
}

/** The last line of a command's stdout, parsed: the `--json` result the CLI prints last. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON output; the expectations check its shape
export const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').pop() as string) as Record<string, any>;

/** Waits for a started `dfl serve` to print the address it listens on; fails with its stderr if it exits first. */
export function servedUrl(server: CliProcess): Promise<string> {
  const lines = createInterface({ input: server.child.stdout as NodeJS.ReadableStream });
  return new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const m = /on (http:\/\/[^ ]+)/.exec(line);
      if (m) resolve(m[1]);
    });
    void server.done.then((exit) => reject(new Error(`dfl serve exited early (${exit.code}): ${exit.stderr}`)));
  });
}
