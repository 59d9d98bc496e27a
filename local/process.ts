/**
 * How the long-running local processes end: the embedded MongoDB's command line and the bench's
 * gateway process.
 */

/** What ends such a process: a signal, or `disconnect`, its parent's IPC channel closing (the parent is gone). */
export type StopEvent = NodeJS.Signals | 'disconnect';

/**
 * Runs `stop` once, on the first of `events`, then exits: 0 when it finished, 1 when it failed.
 * Each event is listened to once, so a second Ctrl-C during a slow stop gets Node's default and
 * ends the process at once.
 */
export function stopOnSignal(stop: () => Promise<void>, events: readonly StopEvent[]): void {
  let stopping = false;
  const onEvent = (): void => {
    if (stopping) return;
    stopping = true;
    Promise.resolve()
      .then(stop)
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  for (const event of events) process.once(event as NodeJS.Signals, onEvent);
}
