import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A fresh folder under the OS temp dir with the given files (relative path → text); returns its path. */
export function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dfl-exp-'));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

/** Lines joined with newlines, so a test's YAML reads top to bottom and its line numbers are easy to count. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
