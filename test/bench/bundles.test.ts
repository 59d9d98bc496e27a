import type { Metafile } from 'esbuild';
import { OWN_CODE, packageOf, weighInputs } from '../../bench/bundles';

describe('packageOf', () => {
  it('names the package an input comes from, scoped packages included', () => {
    expect(packageOf('node_modules/mongoose/lib/index.js')).toBe('mongoose');
    expect(packageOf('node_modules/@aws-lambda-powertools/logger/lib/cjs/Logger.js')).toBe(
      '@aws-lambda-powertools/logger',
    );
  });

  it('uses the innermost node_modules for a nested dependency', () => {
    expect(packageOf('node_modules/mongoose/node_modules/bson/lib/bson.cjs')).toBe('bson');
  });

  it('counts files outside node_modules as our own code', () => {
    expect(packageOf('functions/authorizer/handler.ts')).toBe(OWN_CODE);
    expect(packageOf('generated/validators/login-body.js')).toBe(OWN_CODE);
  });
});

describe('weighInputs', () => {
  const metafile = {
    inputs: {},
    outputs: {
      'dist/me/index.js': {
        bytes: 1000,
        inputs: {
          'node_modules/mongoose/lib/a.js': { bytesInOutput: 300 },
          'node_modules/mongoose/lib/b.js': { bytesInOutput: 200 },
          'node_modules/mongodb/lib/c.js': { bytesInOutput: 400 },
          'functions/me/handler.ts': { bytesInOutput: 100 },
        },
        imports: [],
        exports: [],
      },
    },
  } as unknown as Metafile;

  it('adds up each package’s bytes in the output, heaviest first, with its share', () => {
    expect(weighInputs(metafile, 'dist/me/index.js')).toEqual([
      { name: 'mongoose', bytes: 500, share: 0.5 },
      { name: 'mongodb', bytes: 400, share: 0.4 },
      { name: OWN_CODE, bytes: 100, share: 0.1 },
    ]);
  });

  it('says which outputs exist when asked for one that does not', () => {
    expect(() => weighInputs(metafile, 'dist/login/index.js')).toThrow(
      'the metafile has no output dist/login/index.js; it has dist/me/index.js',
    );
  });
});
