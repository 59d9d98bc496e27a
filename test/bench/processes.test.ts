import { join } from 'node:path';
import { coldRun, Host } from '../../bench/processes';

const HANDLERS = join(__dirname, 'fixtures', 'handlers.cjs');
const env = { PATH: process.env['PATH'] ?? '' };

describe('coldRun', () => {
  it('loads a module in a fresh process, answers one event and reports its timings and CPU time', async () => {
    const run = await coldRun({ entry: HANDLERS, exportName: 'ok', env, event: { n: 1 } });
    expect(run.wallMs).toBeGreaterThan(0);
    expect(run.requireMs).toBeGreaterThanOrEqual(0);
    expect(run.invokeMs).toBeGreaterThanOrEqual(0);
    expect(run.cpuMs).toBeGreaterThan(0);
  });

  it('only loads the module when given no event', async () => {
    const run = await coldRun({ entry: HANDLERS, exportName: 'ok', env });
    expect(run.invokeMs).toBeUndefined();
  });

  it('fails when the first invocation answers an error status', async () => {
    await expect(coldRun({ entry: HANDLERS, exportName: 'status', env, event: { status: 503 } })).rejects.toThrow(
      'answered with a failure: status 503',
    );
  });

  it('fails when the export is not a function', async () => {
    await expect(coldRun({ entry: HANDLERS, exportName: 'notAFunction', env, event: {} })).rejects.toThrow(
      'does not export a function named notAFunction',
    );
  });
});

describe('Host', () => {
  it('runs a batch of one event and returns each duration and the first result', async () => {
    const host = await Host.start('ok', HANDLERS, 'ok', env);
    try {
      const batch = await host.run({ event: { n: 7 }, count: 5, durations: true });
      expect(batch.durations).toHaveLength(5);
      expect(batch.first.result).toEqual({ statusCode: 200, body: '{"echo":7}' });
    } finally {
      await host.stop();
    }
  });

  it('runs a list of events in order and understands callback-style handlers', async () => {
    const host = await Host.start('callback', HANDLERS, 'callback', env);
    try {
      const batch = await host.run({ events: [{}, {}, {}] });
      expect(batch.first.result).toMatchObject({ principalId: 'u1' });
      expect(batch.durations).toBeUndefined();
    } finally {
      await host.stop();
    }
  });

  it.each([
    ['an error status', 'status', { status: 500 }, 'status 500'],
    ["the tutorial's 'Unauthorized' answer", 'unauthorized', {}, 'Unauthorized'],
    ['a thrown error', 'throws', {}, 'Error: boom'],
  ])('fails the whole batch on %s, counting the failures', async (_what, exportName, event, reason) => {
    const host = await Host.start(exportName, HANDLERS, exportName, env);
    try {
      await expect(host.run({ event, count: 4 })).rejects.toThrow(
        `${exportName}: 4 invocation(s) failed, e.g. ${reason}`,
      );
    } finally {
      await host.stop();
    }
  });

  it('fails to start when the module cannot be loaded', async () => {
    await expect(Host.start('missing', join(__dirname, 'fixtures', 'missing.cjs'), 'handler', env)).rejects.toThrow(
      'missing failed to load',
    );
  });
});
