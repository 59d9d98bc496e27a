/**
 * Keeps the result of `load` for the life of the Lambda instance (one cold start). A throw is not
 * kept: a missing variable fixed by a redeploy starts a new instance anyway, and a test that fixes
 * the environment can call again.
 */
export function once<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => {
    loaded ??= { value: load() };
    return loaded.value;
  };
}

/** A load kept by onceAsync, with what an owner that can tell when the value went bad needs. */
export interface KeptAsync<T> {
  (): Promise<T>;
  /** The load kept now, pending or done, without starting one. */
  kept(): Promise<T> | undefined;
  /** Drops the kept load, so that the next call loads again; a load already running is not stopped. */
  forget(): void;
}

/**
 * Keeps the promise of the first call so concurrent callers share one load. A rejection is
 * forgotten as soon as it happens: a transient failure (SSM throttling, a database restart) must
 * be retried by the next invocation, not answered from a cached failure until the instance dies.
 */
export function onceAsync<T>(load: () => Promise<T>): KeptAsync<T> {
  let pending: Promise<T> | undefined;
  const get = () => {
    if (pending === undefined) {
      const attempt = Promise.resolve().then(load);
      pending = attempt;
      // Only this attempt: one forgotten meanwhile must not drop the load that replaced it.
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
  return Object.assign(get, {
    kept: () => pending,
    forget: () => {
      pending = undefined;
    },
  });
}
