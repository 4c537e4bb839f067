import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export type RootedPath = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Where a client's `{"path"}` points, confined to `root` (the folder `dfl serve --root` exposes): relative paths are
 * taken from the root, a `..` segment is refused outright, an absolute path must lie inside the root, and so must
 * the file once symbolic links are followed. `root` must be absolute and already resolved (realpath).
 */
export async function resolveUnderRoot(root: string, requested: unknown): Promise<RootedPath> {
  if (typeof requested !== 'string' || requested.trim() === '') return { ok: false, status: 400, reason: '"path" must be a non-empty string' };
  if (requested.includes('\0')) return { ok: false, status: 400, reason: '"path" contains a NUL character' };
  if (requested.split(/[\\/]+/).includes('..')) return { ok: false, status: 403, reason: `"path" may not contain '..': ${requested}` };
  const candidate = path.resolve(root, requested);
  if (!inside(root, candidate)) return { ok: false, status: 403, reason: `"path" is outside the served folder: ${requested}` };
  let real: string;
  try {
    real = await fs.realpath(candidate);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { ok: false, status: 404, reason: `no such file: ${requested}` } : { ok: false, status: 400, reason: `cannot open ${requested}: ${code ?? String(err)}` };
  }
  if (!inside(root, real)) return { ok: false, status: 403, reason: `"path" leads outside the served folder (symbolic link): ${requested}` };
  const stat = await fs.stat(real);
  if (!stat.isFile()) return { ok: false, status: 400, reason: `not a file: ${requested}` };
  return { ok: true, path: real };
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
