/**
 * Which bundles a source change affects. esbuild's metafile (dist/<key>/meta.json) lists every
 * input of a bundle, so an edit in functions/shared/ rebuilds exactly the functions importing it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface AffectedOptions {
  root: string;
  /** Where `make build` writes dist/<key>/meta.json. */
  distDir: string;
  functionKeys: readonly string[];
  /** The directory holding one folder per function. */
  functionsDir: string;
}

function bundleInputs(options: AffectedOptions, key: string): Set<string> | undefined {
  const path = join(options.distDir, key, 'meta.json');
  if (!existsSync(path)) return undefined;
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as { inputs?: Record<string, unknown> };
    // Input paths are relative to the directory esbuild ran in: the repository root.
    return new Set(
      Object.keys(meta.inputs ?? {}).map((input) => (isAbsolute(input) ? input : resolve(options.root, input))),
    );
  } catch {
    return undefined;
  }
}

/** The function keys to rebuild after `changed` (absolute paths) changed. */
export function functionsAffectedBy(changed: readonly string[], options: AffectedOptions): string[] {
  const affected = new Set<string>();
  for (const key of options.functionKeys) {
    const inputs = bundleInputs(options, key);
    // Without a metafile the bundle's inputs are unknown: rebuild to be safe.
    if (!inputs || changed.some((file) => inputs.has(file))) affected.add(key);
  }
  // A new file in a function's own folder may be imported by the next edit; the folder names the function.
  for (const file of changed) {
    const [folder] = relative(options.functionsDir, file).split(sep);
    if (folder && !folder.startsWith('..') && options.functionKeys.includes(folder) && !file.endsWith('.test.ts'))
      affected.add(folder);
  }
  return options.functionKeys.filter((key) => affected.has(key));
}
