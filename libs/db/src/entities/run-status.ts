/** Life cycle of a run. `interrupted`: stopped by a signal, or its process vanished (kill -9, crash of the host). */
export const RUN_STATUSES = ['queued', 'running', 'finished', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
