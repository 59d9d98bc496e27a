import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Metafile } from 'esbuild';
import { buildFunction, listFunctionKeys, zipPathFor } from '../../scripts/build';
import { DIST } from '../../scripts/paths';
import { listOperations, loadContract } from '../../scripts/contract/load';
import { lockBundles } from '../e2e/support';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function inputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs);
}

describe('make build', () => {
  let release: () => void;
  beforeAll(async () => {
    release = await lockBundles();
  });
  afterAll(() => release());

  it('builds one function per operation in openapi.yaml, plus the authorizer', () => {
    const operations = listOperations(loadContract()).map((operation) => operation.operationId);

    expect(operations.length).toBeGreaterThan(5);
    expect(listFunctionKeys().sort()).toEqual([...operations, 'authorizer'].sort());
  });

  it('writes a byte-identical zip when the sources have not changed', async () => {
    await buildFunction('authorizer');
    const first = sha256(zipPathFor('authorizer'));
    await buildFunction('authorizer');

    expect(sha256(zipPathFor('authorizer'))).toBe(first);
  });

  it('zips only the bundle, readable by the Lambda runtime user, with a pinned timestamp', async () => {
    await buildFunction('me');
    const zip = readFileSync(zipPathFor('me'));
    const entries = unzipSync(zip);

    expect(Object.keys(entries)).toEqual(['index.js']);
    // Central directory entry: external attributes hold the Unix mode in their high 16 bits.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect((zip.readUInt32LE(central + 38) >>> 16) & 0o777).toBe(0o644);
    // DOS date 1980-01-01 is 0x0021; the time is midnight.
    expect([zip.readUInt16LE(central + 12), zip.readUInt16LE(central + 14)]).toEqual([0, 0x0021]);
  });

  it('exports the handler Terraform points at (index.handler)', async () => {
    await buildFunction('authorizer');
    const bundle = (await import(`${process.cwd()}/dist/authorizer/index.js`)) as { handler?: unknown };

    expect(typeof bundle.handler).toBe('function');
  });

  it('keeps semver and whatwg-url out of the bundles, using the node22 shims instead', async () => {
    const built = await Promise.all([buildFunction('authorizer'), buildFunction('login')]);

    for (const { metafile } of built) {
      expect(inputs(metafile).filter((i) => /node_modules\/(semver|whatwg-url|tr46)\//.test(i))).toEqual([]);
    }
    expect(inputs(built[1].metafile)).toContain('scripts/shims/whatwg-url.cjs');
  });
});

describe('the AWS SDK in the bundles', () => {
  let release: () => void;
  beforeAll(async () => {
    release = await lockBundles();
  });
  afterAll(() => release());

  it('leaves the KMS client out of the issuers: Lambda provides it, and it is loaded only to sign', async () => {
    const [login, authorizer] = await Promise.all([buildFunction('login'), buildFunction('authorizer')]);

    for (const { metafile } of [login, authorizer])
      expect(inputs(metafile).filter((i) => i.includes('node_modules/@aws-sdk/'))).toEqual([]);
    expect(readFileSync(join(DIST, 'login', 'index.js'), 'utf8')).toContain('"@aws-sdk/client-kms"');
    // The authorizer verifies with public keys only: it has no KMS client to load at all.
    expect(readFileSync(join(DIST, 'authorizer', 'index.js'), 'utf8')).not.toContain('@aws-sdk/client-kms');
  });
});

describe('the whatwg-url shim', () => {
  it('parses MongoDB connection strings as the driver needs', async () => {
    // The driver's own parser, loaded against the shim exactly as the bundle does.
    await jest.isolateModulesAsync(async () => {
      const shim = await import('../../scripts/shims/whatwg-url.cjs');
      jest.doMock('whatwg-url', () => shim);
      const { default: ConnectionString } = await import('mongodb-connection-string-url');
      const parsed = new ConnectionString(
        'mongodb+srv://app%40user:p%2Fss@cluster0.example.net/auth?retryWrites=true&w=majority',
      );

      expect(parsed.hosts).toEqual(['cluster0.example.net']);
      expect(parsed.pathname).toBe('/auth');
      expect(parsed.username).toBe('app%40user');
      expect(parsed.searchParams.get('w')).toBe('majority');
    });
  });
});
