/**
 * Small React hooks the pages share: the API client from context, data loading with optional
 * polling, and the hash route. Polling pauses while the tab is hidden (no load on the API for a
 * page nobody sees) and keeps the last good data on a failed refresh, so a short outage shows an
 * error banner over stale numbers instead of blanking the page.
 */

import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';

import type { ApiClient, AuthMe } from './api';

export interface ApiContextValue {
  api: ApiClient;
  apiKey: string | null;
  /** Who the key is and what it may do (GET /auth/me); undefined until known or on an API without it. */
  me: AuthMe | undefined;
  setApiKey: (key: string | null) => void;
}

export const ApiContext = createContext<ApiContextValue | null>(null);

export function useApiContext(): ApiContextValue {
  const value = useContext(ApiContext);
  if (value === null) throw new Error('useApi must be used inside <ApiContext.Provider>');
  return value;
}

export function useApi(): ApiClient {
  return useApiContext().api;
}

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** When data was last received (ms since epoch). */
  updatedAt: number | null;
  reload: () => void;
}

/**
 * Loads `load()` when `key` changes, and again every `intervalMs` if given.
 * @param key identifies what is loaded; a new key drops the old data
 */
export function useResource<T>(key: string, load: (signal: AbortSignal) => Promise<T>, intervalMs?: number): Resource<T> {
  const [state, setState] = useState<{
    key: string;
    data: T | undefined;
    error: unknown;
    loading: boolean;
    updatedAt: number | null;
  }>({
    key,
    data: undefined,
    error: undefined,
    loading: true,
    updatedAt: null,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const run = async (): Promise<void> => {
      setState((s) =>
        s.key === key ? { ...s, loading: true } : { key, data: undefined, error: undefined, loading: true, updatedAt: null },
      );
      try {
        const data = await loadRef.current(controller.signal);
        if (!stopped) setState({ key, data, error: undefined, loading: false, updatedAt: Date.now() });
      } catch (error) {
        if (stopped || (error as Error).name === 'AbortError') return;
        setState((s) => ({ ...s, key, error, loading: false }));
      }
      schedule();
    };
    const schedule = (): void => {
      if (stopped || intervalMs === undefined) return;
      timer = setTimeout(() => {
        if (document.hidden) schedule();
        else void run();
      }, intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [key, intervalMs, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current = state.key === key ? state : { data: undefined, error: undefined, loading: true, updatedAt: null };
  return { data: current.data, error: current.error, loading: current.loading, updatedAt: current.updatedAt, reload };
}

function routeOf<R extends string>(hash: string, routes: readonly R[]): R {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (routes as readonly string[]).includes(name) ? (name as R) : routes[0];
}

/**
 * The page named by the URL hash (#/score, #/monitoring, …); hash routes need no server rewrites.
 * @param routes the known routes (the page registry's), the first shown for an unknown hash
 */
export function useRoute<R extends string>(routes: readonly R[]): R {
  const [route, setRoute] = useState<R>(() => routeOf(window.location.hash, routes));
  useEffect(() => {
    const onChange = (): void => setRoute(routeOf(window.location.hash, routes));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, [routes]);
  return route;
}
