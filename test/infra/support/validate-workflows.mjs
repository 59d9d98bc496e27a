// Parses GitHub Actions workflow files with GitHub's own parser and schema, offline.
// Runs as a child process because the parser ships only as an ES module.
// Usage: node validate-workflows.mjs <file>...  Prints {"<file>": ["<error>", ...]} as JSON.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';

const results = {};
for (const path of process.argv.slice(2)) {
  const parsed = parseWorkflow(
    { name: basename(path), content: readFileSync(path, 'utf8') },
    new NoOperationTraceWriter(),
  );
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length === 0 && parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message ?? e.message ?? String(e)));
  }
  if (!parsed.value && errors.length === 0) errors.push('the file holds no workflow');
  results[path] = errors;
}
process.stdout.write(JSON.stringify(results));
