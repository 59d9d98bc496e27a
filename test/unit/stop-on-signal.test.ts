/**
 * The events are emitted on this test's process object, as Node emits a signal or the IPC
 * channel's end; the exit is recorded instead of taken.
 */
import { stopOnSignal } from '../../local/process';

const EVENTS = ['SIGTERM', 'disconnect'] as const;

let exits: Array<number | undefined>;
let exited: Promise<void>;

beforeEach(() => {
  exits = [];
  let resolveExit = (): void => undefined;
  exited = new Promise((resolve) => (resolveExit = resolve));
  jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
    exits.push(code === null || code === undefined ? undefined : Number(code));
    resolveExit();
    return undefined as never;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const event of EVENTS) process.removeAllListeners(event);
});

describe('stopOnSignal', () => {
  it('stops on the first event and exits 0', async () => {
    const stop = jest.fn(() => Promise.resolve());
    stopOnSignal(stop, EVENTS);

    process.emit('SIGTERM');
    await exited;

    expect(stop).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([0]);
  });

  it('stops when the parent goes away', async () => {
    const stop = jest.fn(() => Promise.resolve());
    stopOnSignal(stop, EVENTS);

    process.emit('disconnect');
    await exited;

    expect(stop).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([0]);
  });

  it('stops once when a second event comes while it is stopping', async () => {
    let finish = (): void => undefined;
    const stop = jest.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    stopOnSignal(stop, EVENTS);

    process.emit('SIGTERM');
    process.emit('disconnect');
    await Promise.resolve();
    finish();
    await exited;

    expect(stop).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([0]);
  });

  it("listens to each event once, so a second Ctrl-C gets Node's default and ends the process at once", () => {
    stopOnSignal(() => new Promise<void>(() => undefined), ['SIGINT']);
    const before = process.listenerCount('SIGINT');

    process.emit('SIGINT');

    expect(process.listenerCount('SIGINT')).toBe(before - 1);
    process.removeAllListeners('SIGINT');
  });

  it('exits 1 when stopping fails', async () => {
    stopOnSignal(() => Promise.reject(new Error('could not stop')), EVENTS);

    process.emit('SIGTERM');
    await exited;

    expect(exits).toEqual([1]);
  });
});
