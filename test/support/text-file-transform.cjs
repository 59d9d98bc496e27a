'use strict';
// The email templates as esbuild's text loader bundles them (scripts/build.ts): the file's text as
// the module's value, so `import text from './x.html'` reads the same string in tests and in Lambda.
module.exports = {
  process(sourceText) {
    return { code: `module.exports = ${JSON.stringify(sourceText)};` };
  },
};
