/**
 * Moves the functions' clock (Date) without waiting, and without touching timers: the database
 * driver keeps its real timeouts while expiry is judged at whatever time the test sets.
 */
const TIMER_APIS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

export interface TestClock {
  /** Moves Date forward by seconds. */
  advance(seconds: number): void;
}

/** Fakes Date only, in each test of the file; restored after each. */
export function useTestClock(): TestClock {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: [...TIMER_APIS], now: Date.now() });
  });
  afterEach(() => {
    jest.useRealTimers();
  });
  return {
    advance(seconds) {
      jest.setSystemTime(Date.now() + seconds * 1000);
    },
  };
}
