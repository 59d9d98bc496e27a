/**
 * `make docs`: writes the API reference as static files to dist/docs/ (or the folder given),
 * ready to publish: index.html, its Swagger UI assets and openapi.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DOCS_DIR } from '../../scripts/paths';
import { docsFiles, readConsumerSpec } from './page';

/** Writes the page and the spec into `dir`, replacing what was there; returns the file names. */
export function writeDocs(dir = DOCS_DIR): string[] {
  const spec = readConsumerSpec();
  const title = `${String((spec.info as { title?: string } | undefined)?.title ?? 'API')} reference`;
  const files = docsFiles({ specUrl: './openapi.json', title, embeddedSpec: spec });
  files.set('openapi.json', Buffer.from(`${JSON.stringify(spec, null, 2)}\n`));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return [...files.keys()];
}

if (require.main === module) {
  const dir = process.argv[2] ?? DOCS_DIR;
  const names = writeDocs(dir);
  console.log(
    `API reference written to ${relative(process.cwd(), dir) || '.'}/ (${names.join(', ')}): open index.html, or publish the folder.`,
  );
}
