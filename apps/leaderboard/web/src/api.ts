import type { CompareResult, RunDetail, RunsPage } from './types';

/** An API answer that is not 2xx; `message` carries the service's own message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { message?: unknown };
      if (body && body.message) message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message);
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, message);
  }
  return (await res.json()) as T;
}

export interface RunsQuery {
  status?: string;
  backbone?: string;
  tag?: string;
  q?: string;
  dataset?: string;
  promoted?: boolean;
  sort?: string;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export function fetchRuns(query: RunsQuery, signal?: AbortSignal): Promise<RunsPage> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return getJson<RunsPage>(`api/runs?${params}`, signal);
}

export function fetchRun(id: string, signal?: AbortSignal): Promise<RunDetail> {
  return getJson<RunDetail>(`api/runs/${encodeURIComponent(id)}`, signal);
}

export function fetchCompare(ids: string[], signal?: AbortSignal): Promise<CompareResult> {
  return getJson<CompareResult>(`api/compare?ids=${ids.map(encodeURIComponent).join(',')}`, signal);
}
