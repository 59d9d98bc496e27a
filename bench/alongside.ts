/**
 * A function bundle with the costs it cannot avoid (bcrypt, the database round trip) timed beside it
 * in the same process (bench/targets/alongside.cjs), invocations interleaved, so that subtracting
 * them is not drowned by the differences between two processes on a busy machine.
 */
import { join } from 'node:path';
import type { BenchConfig } from './environment';
import { functionEnvironment, TARGETS_DIR } from './environment';
import { Host } from './processes';
import { bundlePath } from './scenario';
import { columns } from './stats';

/** A host running one function with bcrypt and the driver beside it. */
export function startAlongside(
  config: BenchConfig,
  key: string,
  overrides: Record<string, string> = {},
): Promise<Host> {
  return Host.start(`${key} (with bcrypt and driver alongside)`, join(TARGETS_DIR, 'alongside.cjs'), 'handler', {
    ...functionEnvironment(config, key, overrides),
    BENCH_FUNCTION: bundlePath(key),
  });
}

/** Runs `count` cycles of the events, in the given order, and returns each kind's durations. */
export async function interleaved<K extends string>(
  host: Host,
  order: readonly K[],
  events: (kind: K, i: number) => unknown,
  count: number,
): Promise<Record<K, number[]>> {
  const sequence = Array.from({ length: count }, (_, i) => order.map((kind) => events(kind, i))).flat();
  const { durations } = await host.run({ events: sequence, durations: true });
  const split = columns(durations ?? [], order.length);
  return Object.fromEntries(order.map((kind, i) => [kind, split[i] ?? []])) as Record<K, number[]>;
}
