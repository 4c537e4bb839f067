import { createHash } from 'node:crypto';

/** A list page serialised once: the JSON text sent as is, and its ETag (a browser that has it gets a 304). */
export interface RenderedPage {
  json: string;
  etag: string;
}

export function renderPage(body: unknown): RenderedPage {
  const json = JSON.stringify(body);
  return { json, etag: `"${createHash('sha1').update(json).digest('base64url')}"` };
}

interface Entry extends RenderedPage {
  version: number;
  generation: number;
}

/**
 * List pages by query, each valid for one (change version, listener generation): the version is the database's
 * run_changes_seq (moves at once with any write, from any process), the generation the LISTEN connection's count of
 * notifications (moves when a write commits). An entry is served only while both still have the values it was made
 * under. Bounded: queries come from users.
 */
export class RenderedListCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 500) {}

  get(key: string, version: number, generation: number): RenderedPage | undefined {
    const entry = this.entries.get(key);
    return entry && entry.version === version && entry.generation === generation ? entry : undefined;
  }

  set(key: string, page: RenderedPage, version: number, generation: number): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) this.entries.clear();
    this.entries.set(key, { ...page, version, generation });
  }
}
