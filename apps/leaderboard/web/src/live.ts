import { useEffect, useRef, useState } from 'preact/hooks';

/** How the page learns that runs changed: pushed by the service, polled, or not at all (Live unticked). */
export type LiveMode = 'off' | 'connecting' | 'push' | 'poll';

/** A change to a run as the service pushes it (`id` null: every run, e.g. the table was emptied). */
export interface RunChange {
  id: string | null;
  op: 'insert' | 'update' | 'delete' | 'truncate';
  status: string | null;
}

/** Polling interval while server-sent events are unavailable. */
export const POLL_MS = 5000;
/** After the service refused the event stream (it is not listening to the database), try it again this late. */
const RECONNECT_MS = 30_000;

/**
 * Calls `onChange` whenever runs change while `enabled`: on the service's server-sent events (`api/events`, fed by
 * PostgreSQL NOTIFY, so changes made by the runner arrive within a moment), else by polling every POLL_MS while the
 * page is visible. A lost stream falls back to polling at once, and push resumes when the stream is back. `changes` says which runs changed, or is null when that is unknown
 * (a poll, a resumed stream, too many changes at once): then anything may have changed.
 */
export function useRunChanges(enabled: boolean, onChange: (changes: RunChange[] | null) => void): LiveMode {
  const [mode, setMode] = useState<LiveMode>(enabled ? 'connecting' : 'off');
  const callback = useRef(onChange);
  callback.current = onChange;

  useEffect(() => {
    if (!enabled) {
      setMode('off');
      return undefined;
    }
    const changed = (changes: RunChange[] | null = null) => callback.current(changes);
    let source: EventSource | null = null;
    let poll: number | undefined;
    let retry: number | undefined;

    const startPolling = () => {
      setMode('poll');
      if (poll === undefined) {
        poll = window.setInterval(() => {
          if (document.visibilityState === 'visible') changed();
        }, POLL_MS);
      }
    };
    const stopPolling = () => {
      window.clearInterval(poll);
      poll = undefined;
    };
    const connect = () => {
      if (typeof EventSource === 'undefined') return startPolling();
      setMode((m) => (m === 'poll' ? m : 'connecting'));
      const es = new EventSource('api/events');
      source = es;
      // Once listening, read again: a change made after the page's first read and before the stream was ready, or
      // while it was down, would otherwise go unseen until the next one.
      es.addEventListener('ready', () => {
        stopPolling();
        setMode('push');
        changed();
      });
      es.addEventListener('runs', (event) => {
        try {
          const data = JSON.parse((event as MessageEvent<string>).data) as { changes: RunChange[]; more: boolean };
          changed(data.more ? null : data.changes);
        } catch {
          changed();
        }
      });
      es.onerror = () => {
        startPolling();
        // A dropped connection is retried by the browser itself; a refused one (503) is closed for good: retry later.
        if (es.readyState === EventSource.CLOSED) retry = window.setTimeout(connect, RECONNECT_MS);
      };
    };
    connect();
    return () => {
      source?.close();
      stopPolling();
      window.clearTimeout(retry);
    };
  }, [enabled]);

  return mode;
}
