/**
 * Loaded into a function's process with NODE_OPTIONS=--require, for tests only: Date.now() runs
 * ahead by the milliseconds written in the file CLOCK_SHIFT_FILE names, read on every call, so a
 * test can move one function's clock forward instead of waiting for time to pass. A file holding
 * `@<epoch ms>` stops the clock at that instant instead, for answers that depend on how much time
 * is left (a Retry-After) to be exact. The functions read the time only through Date.now()
 * (functions/shared/clock.ts).
 */
const { readFileSync } = require('node:fs');

const file = process.env.CLOCK_SHIFT_FILE;
if (file) {
  const realNow = Date.now;
  Date.now = () => {
    const text = readFileSync(file, 'utf8').trim();
    return text.startsWith('@') ? Number(text.slice(1)) : realNow() + Number(text || '0');
  };
}
