// Tests assert how long code waits on the clock it uses, never how fast this machine answers: jest's fake clock takes
// over setTimeout (what the sandbox's holds, the Azure SDK's retry delays and the bot's back-off wait on) while real
// I/O (sockets, TLS, child processes) goes on, and the test moves that clock itself.
const realSetTimeout = setTimeout; // taken before any jest.useFakeTimers(), which replaces the global

const realPause = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/** From now until jest.useRealTimers(): setTimeout/clearTimeout run on jest's fake clock; nothing else is faked. */
export function fakeTimeouts(): void {
  jest.useFakeTimers({
    doNotFake: ['Date', 'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval'],
  });
}

/** From now until jest.useRealTimers(): Date runs on jest's fake clock, which stands still unless the test moves it. */
export function fakeDate(): void {
  jest.useFakeTimers({
    now: Date.now(),
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
}

/** Waits, with real I/O going on and the fake clock standing still, until `check()` holds; fails naming `what`. */
export async function until(what: string, check: () => boolean, tries = 2_000): Promise<void> {
  for (let tried = 0; !check(); tried += 1) {
    if (tried >= tries) throw new Error(`never happened: ${what}`);
    await realPause(5);
  }
}

/**
 * Moves the fake clock `stepInMs` at a time, letting real I/O run after each step, until `check()` holds; returns how
 * far the clock moved. Code that waits N ms on that clock cannot act before it moved N ms, however slow the machine:
 * a lower bound on the result is exact. (An upper bound is not: slow I/O lets more steps pass.)
 */
export async function clockMovedUntil(what: string, check: () => boolean, { stepInMs = 50, limitInMs = 120_000 } = {}): Promise<number> {
  let moved = 0;
  while (!check()) {
    if (moved >= limitInMs) throw new Error(`the clock moved ${moved} ms and still not: ${what}`);
    await jest.advanceTimersByTimeAsync(stepInMs);
    moved += stepInMs;
    await realPause(5);
  }
  return moved;
}
