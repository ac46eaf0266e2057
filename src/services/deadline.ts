// A promise raced against a timer: the caller gets an answer by the deadline, whatever the call behind it does.

/** What a call answered within `ms`, or 'timed_out' (the call goes on; its result is then only the cache's). */
export function withinDeadline<T>(call: Promise<T>, ms: number): Promise<T | 'timed_out'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timed_out'>((resolve) => {
    timer = setTimeout(() => resolve('timed_out'), ms);
    // A timer alone keeps no process alive (stop, tests).
    timer.unref();
  });
  return Promise.race([call, late]).finally(() => clearTimeout(timer));
}
