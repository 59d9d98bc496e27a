import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDocs } from '../../local/docs/build';
import { DOCS_ASSETS } from '../../local/docs/page';

describe('make docs', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'docs-')), 'out');
    writeDocs(dir);
  });
  afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('writes the page, the Swagger UI assets it loads and the consumer spec', () => {
    expect(readdirSync(dir).sort()).toEqual(
      ['docs.js', 'index.html', 'openapi.json', ...Object.keys(DOCS_ASSETS)].sort(),
    );
  });

  it('loads every asset by a relative path, so the folder can be published anywhere', () => {
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);

    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) {
      expect(reference).toMatch(/^\.\//);
      expect(readdirSync(dir)).toContain(reference.slice(2));
    }
  });

  it('embeds the spec in the page script, so index.html also works opened from disk', () => {
    const spec = JSON.parse(readFileSync(join(dir, 'openapi.json'), 'utf8')) as {
      info: { title: string };
      servers: unknown[];
    };
    const script = readFileSync(join(dir, 'docs.js'), 'utf8');

    expect(script).toContain(`spec: ${JSON.stringify(spec)}`);
    expect(script).toContain('validatorUrl: null');
    expect(JSON.stringify(spec)).not.toContain('x-amazon-apigateway');
    // The published spec keeps the deployed servers; only the local gateway rewrites them.
    expect(JSON.stringify(spec.servers)).toContain('execute-api');
  });
});
