// The email templates are bundled as strings: esbuild's text loader (scripts/build.ts) and, in the
// tests, test/support/text-file-transform.cjs.
declare module '*.txt' {
  const text: string;
  export default text;
}

declare module '*.html' {
  const text: string;
  export default text;
}
