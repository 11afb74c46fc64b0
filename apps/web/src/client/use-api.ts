import { useCallback, useEffect, useState } from 'preact/hooks';
import { type ApiError, asApiError, call } from './api.ts';

/**
 * GETs `/api/v1{path}` whenever the path or `refreshKey` changes (null: nothing to load); the
 * answer of an older request never overwrites a newer one.
 */
export function useApi<T>(path: string | null, refreshKey: unknown = 0) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setLoading(true);
    call<T>('GET', path)
      .then((value) => {
        if (!current) return;
        setData(value);
        setError(null);
      })
      .catch((err) => current && setError(asApiError(err, 'Could not load')))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [path, refreshKey, tick]);
  return { data, error, loading, reload, setData };
}
