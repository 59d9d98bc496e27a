import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

describe('the unit lane', () => {
  it('fails a test that starts a child process, naming where the test belongs', () => {
    expect(() => spawnSync(process.execPath, ['--version'])).toThrow(
      'child_process.spawnSync() in the unit lane: unit tests need no database, child process, network or build: list this file under integration in jest.config.js',
    );
  });

  it('fails a test that starts one through util.promisify', () => {
    expect(() => promisify(execFile)(process.execPath, ['--version'])).toThrow(
      'child_process.execFile() in the unit lane',
    );
  });

  it('fails a test that opens a network connection', () => {
    expect(() => net.connect({ host: '127.0.0.1', port: 9 })).toThrow('A network connection in the unit lane');
  });

  it('fails a test that listens on a port', () => {
    expect(() => net.createServer().listen(0, '127.0.0.1')).toThrow('Listening on a port in the unit lane');
  });
});

describe('the test lanes', () => {
  const config = jest.requireActual<{
    projects: Array<{ displayName: string; testMatch: string[]; globalSetup?: string }>;
  }>('../../jest.config.js');
  const lane = (name: string) => config.projects.find((project) => project.displayName === name)!;

  it('start the embedded MongoDB only for the lanes that use it, never for the unit lane', () => {
    expect(lane('unit').globalSetup).toBeUndefined();
    expect(lane('integration').globalSetup).toBeDefined();
    expect(lane('e2e').globalSetup).toBeDefined();
  });

  it('name only unit test files that exist, so a moved file is not silently dropped from the unit lane', () => {
    const named = lane('unit').testMatch.filter((pattern) => !pattern.includes('*'));
    expect(named.length).toBeGreaterThan(0);
    for (const path of named) expect(existsSync(path.replace('<rootDir>', join(__dirname, '../..')))).toBe(true);
  });
});
