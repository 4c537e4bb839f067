import { Controller, ServiceUnavailableException, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { RunChange } from '@dfl/db';
import { bufferTime, filter, interval, map, merge, of, takeUntil, type Observable } from 'rxjs';
import { RunChanges } from './run-changes.service';

/** More changes than this within one batch are sent as `more: true` (the page reloads anyway). */
const MAX_CHANGES_PER_EVENT = 100;
const BATCH_MS = 200;
const PING_MS = 25_000;

@ApiTags('runs')
@Controller('api/events')
export class EventsController {
  constructor(private readonly runs: RunChanges) {}

  /**
   * Server-sent events: `ready` once, then `runs` with the changes of the last ~200 ms (`{changes: [{id, op,
   * status}], more}`) whenever runs are inserted, updated or deleted by any process, and a `ping` every 25 s.
   * The stream ends if the database connection that listens for changes is lost: the client then polls.
   */
  @Sse()
  @ApiOkResponse({ description: 'text/event-stream of run changes (events `ready`, `runs`, `ping`)' })
  @ApiServiceUnavailableResponse({ description: 'Not listening for changes right now: poll GET /api/runs instead' })
  events(): Observable<MessageEvent> {
    if (!this.runs.connected) throw new ServiceUnavailableException('live updates are unavailable (not listening to the database): poll /api/runs');
    const lost = this.runs.state$.pipe(filter((connected) => !connected));
    return merge(
      of<MessageEvent>({ type: 'ready', data: {}, retry: 3000 }),
      this.runs.changes$.pipe(
        bufferTime(BATCH_MS),
        filter((batch) => batch.length > 0),
        map((batch): MessageEvent => ({ type: 'runs', data: summarise(batch) })),
      ),
      interval(PING_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} }))),
    ).pipe(takeUntil(merge(lost, this.runs.shutdown$)));
  }
}

/** One entry per run (its last change), at most MAX_CHANGES_PER_EVENT. */
function summarise(batch: RunChange[]): { changes: RunChange[]; more: boolean } {
  const last = new Map<string, RunChange>();
  for (const change of batch) last.set(change.id ?? '*', change);
  const changes = [...last.values()];
  return { changes: changes.slice(0, MAX_CHANGES_PER_EVENT), more: changes.length > MAX_CHANGES_PER_EVENT };
}
