import { useEffect, useState } from 'preact/hooks';

// Hash routes keep the service's static serving trivial (one index.html at `/`) and make every view linkable:
//   #/?sort=tpr&status=finished   the table with its filters
//   #/runs/<id>                   one run
//   #/compare?ids=a,b             runs side by side

export interface Route {
  path: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?', 2);
  return { path: path || '/', params: new URLSearchParams(query) };
}

export function href(path: string, params?: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  // commas are legal in a fragment: keep `ids=a,b` readable in the address bar
  const query = search.toString().replace(/%2C/gi, ',');
  return `#${path}${query ? `?${query}` : ''}`;
}

/** Replace the current entry (filter typing must not flood the back button). */
export function replaceRoute(path: string, params: Record<string, string | number | undefined>): void {
  const url = href(path, params);
  if (url !== window.location.hash) {
    history.replaceState(null, '', url);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** The browser tab's title for the current view. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Deepfake Lab`;
  }, [title]);
}
