import { ServiceUnavailableException, type MessageEvent } from '@nestjs/common';
import type { RunChange } from '@dfl/db';
import { Subject } from 'rxjs';
import { EventsController } from './events.controller';
import type { RunChanges } from './run-changes.service';

function fakeChanges(connected: boolean) {
  return { connected, changes$: new Subject<RunChange>(), state$: new Subject<boolean>(), shutdown$: new Subject<void>() };
}

describe('EventsController', () => {
  it('refuses the stream (503) while the service is not listening to the database: the page polls instead', () => {
    const controller = new EventsController(fakeChanges(false) as unknown as RunChanges);
    expect(() => controller.events()).toThrow(ServiceUnavailableException);
  });

  afterEach(() => jest.useRealTimers());

  it('sends ready, then the changes batched with one entry per run, and ends when the listening connection is lost', () => {
    jest.useFakeTimers();
    const changes = fakeChanges(true);
    const events: MessageEvent[] = [];
    let ended = false;
    new EventsController(changes as unknown as RunChanges).events().subscribe({ next: (e) => events.push(e), complete: () => (ended = true) });
    changes.changes$.next({ id: 'a', op: 'insert', status: 'running' });
    changes.changes$.next({ id: 'a', op: 'update', status: 'finished' });
    changes.changes$.next({ id: 'b', op: 'delete', status: 'failed' });
    jest.advanceTimersByTime(250); // one batch (200 ms)
    expect(events.map((e) => e.type)).toEqual(['ready', 'runs']);
    expect(events[1].data).toEqual({
      changes: [
        { id: 'a', op: 'update', status: 'finished' },
        { id: 'b', op: 'delete', status: 'failed' },
      ],
      more: false,
    });
    changes.state$.next(false);
    expect(ended).toBe(true);
  });
});
