import { useCallback, useEffect, useRef, useState } from "react";
import { describeNetworkError, describeResult, type Described } from "../api/errors";
import { useT } from "../i18n";

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Loads once per change of `deps`; the error is already in words. */
/** `load` may be null: nothing to load yet (waits for another answer). */
export function useLoad<T>(load: (() => Promise<FetchResult<T>>) | null, deps: unknown[]) {
  const t = useT();
  const tRef = useRef(t);
  tRef.current = t;
  const [state, setState] = useState<{ data?: T; error: Described | null; loading: boolean }>({
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    if (!load) {
      setState({ error: null, loading: false });
      return;
    }
    setState((s) => ({ ...s, loading: true }));
    load()
      .then((res) => {
        if (!live) return;
        const err = describeResult(res, tRef.current);
        setState({ data: err ? undefined : res.data, error: err, loading: false });
      })
      .catch(() => live && setState({ error: describeNetworkError(tRef.current), loading: false }));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { ...state, reload };
}

/** Runs an action (a POST, say) and keeps its error in words. */
export function useAction() {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Described | null>(null);
  const run = useCallback(
    async <T,>(act: () => Promise<FetchResult<T>>): Promise<T | undefined> => {
      setBusy(true);
      setError(null);
      try {
        const res = await act();
        const err = describeResult(res, t);
        if (err) {
          setError(err);
          return undefined;
        }
        return (res.data ?? (true as unknown)) as T;
      } catch {
        setError(describeNetworkError(t));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [t],
  );
  return { run, busy, error, setError };
}
