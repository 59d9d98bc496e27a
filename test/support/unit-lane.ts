/**
 * Holds the unit lane to its promise: a unit test that starts a process, opens a connection or
 * listens on a port fails, saying where the test belongs, instead of quietly making the lane slow.
 *
 * Jest runs the files of every lane in the same processes (in its own process on a machine with two
 * cores or fewer), and Node's built-in modules are shared by all files of a process, so the guard
 * is installed once per process and every file (this runs first in each, whatever its lane)
 * switches it on or off for itself, and off again when it ends.
 */
import childProcess from 'node:child_process';
import net from 'node:net';

declare global {
  /** Set by the unit project in jest.config.js. */
  var unitLane: boolean | undefined;
}

interface Guard {
  active: boolean;
}

const GUARD = Symbol.for('auth-api.unit-lane-guard');
const MOVE_IT =
  'unit tests need no database, child process, network or build: list this file under integration in jest.config.js';

type Patchable = Record<string | symbol, unknown>;

type Callable = (...args: unknown[]) => unknown;

function refusing(original: Callable, guard: Guard, what: string): Callable {
  return function (this: unknown, ...args: unknown[]): unknown {
    if (guard.active) throw new Error(`${what} in the unit lane: ${MOVE_IT}`);
    return original.apply(this, args);
  };
}

function refuseWhileActive(target: Patchable, name: string, guard: Guard, what: string): void {
  const original = target[name] as Callable;
  const guarded = refusing(original, guard, what);
  // exec and execFile carry util.promisify.custom, without which promisify(execFile) would lose
  // { stdout, stderr }; that version starts the process by itself, so it is guarded too.
  for (const key of Object.getOwnPropertySymbols(original)) {
    const value = (original as unknown as Patchable)[key];
    Object.defineProperty(guarded, key, {
      value: typeof value === 'function' ? refusing(value as Callable, guard, what) : value,
    });
  }
  target[name] = guarded;
}

function installOnce(): Guard {
  const holder = childProcess as unknown as Patchable;
  const existing = holder[GUARD] as Guard | undefined;
  if (existing) return existing;
  const guard: Guard = { active: false };
  for (const name of ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync']) {
    refuseWhileActive(holder, name, guard, `child_process.${name}()`);
  }
  refuseWhileActive(net.Socket.prototype as unknown as Patchable, 'connect', guard, 'A network connection');
  refuseWhileActive(net.Server.prototype as unknown as Patchable, 'listen', guard, 'Listening on a port');
  holder[GUARD] = guard;
  return guard;
}

const guard = installOnce();
guard.active = globalThis.unitLane === true;
// Off between files, so that nothing jest or another lane does in the same process trips it.
afterAll(() => {
  guard.active = false;
});
