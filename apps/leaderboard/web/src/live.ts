import { useEffect, useRef, useState } from 'preact/hooks';

/** How the page learns that runs changed: pushed by the service, polled, or not at all (Live unticked). */
export type LiveMode = 'off' | 'connecting' | 'push' | 'poll';

/** Polling interval while server-sent events are unavailable. */
export const POLL_MS = 5000;
/** After the service refused the event stream (it is not listening to the database), try it again this late. */
const RECONNECT_MS = 30_000;

/**
 * Calls `onChange` whenever runs change while `enabled`: on the service's server-sent events (`api/events`, fed by
 * PostgreSQL NOTIFY, so changes made by the runner arrive within a moment), else by polling every POLL_MS while the
 * page is visible. A lost stream falls back to polling at once, and push resumes when the stream is back (with one
 * reload, for the changes missed meanwhile).
 */
export function useRunChanges(enabled: boolean, onChange: () => void): LiveMode {
  const [mode, setMode] = useState<LiveMode>(enabled ? 'connecting' : 'off');
  const callback = useRef(onChange);
  callback.current = onChange;

  useEffect(() => {
    if (!enabled) {
      setMode('off');
      return undefined;
    }
    const changed = () => callback.current();
    let source: EventSource | null = null;
    let poll: number | undefined;
    let retry: number | undefined;
    let missed = false; // a stream was lost or refused: changes may have gone unseen

    const startPolling = () => {
      missed = true;
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
      es.addEventListener('ready', () => {
        stopPolling();
        setMode('push');
        if (missed) changed();
        missed = false;
      });
      es.addEventListener('runs', changed);
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
