import { readFileSync } from 'node:fs';
import { buildUnbundled } from '../../bench/cold-start';

describe('the unbundled layout cold starts are compared with', () => {
  it('compiles a function that imports the email templates, leaving its packages to load from node_modules', async () => {
    const outfile = await buildUnbundled('forgotPassword');
    const code = readFileSync(outfile, 'utf8');

    expect(code).toContain('require("mongoose")');
    expect(code).toContain('<html');
  });
});
