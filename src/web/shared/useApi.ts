import { useEffect, useState, type DependencyList } from 'react';
import { ApiError, type Problem } from './api.js';

export type AsyncState<T> =
  | { status: 'loading'; data?: T }
  | { status: 'ok'; data: T }
  | { status: 'error'; problem: Problem; data?: T };

export function problemOf(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  return {
    type: 'about:blank',
    title: 'Er ging iets mis',
    status: 0,
    detail: error instanceof Error ? error.message : String(error),
  };
}

const sameDeps = (a: DependencyList, b: DependencyList): boolean =>
  a.length === b.length && a.every((value, i) => Object.is(value, b[i]));

/**
 * Loads data for a page and reloads when `deps` change; the previous request is aborted. While a new
 * request runs the previous data stays available (a table doesn't flash empty while paging), but the
 * status is `loading` from the very first render with the new deps, so stale data is never `ok`.
 */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [result, setResult] = useState<{ deps: DependencyList | null; state: AsyncState<T> }>({
    deps: null,
    state: { status: 'loading' },
  });
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setResult({ deps, state: { status: 'ok', data } });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setResult((previous) => ({
          deps,
          state: { status: 'error', problem: problemOf(error), data: previous.state.data },
        }));
      },
    );
    return () => controller.abort();
    // The caller lists the dependencies of `load`.
  }, deps);
  if (result.deps && sameDeps(result.deps, deps)) return result.state;
  return { status: 'loading', data: result.state.data };
}
