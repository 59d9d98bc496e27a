/**
 * Contract examples that only our code can make: a page cursor is opaque bytes, so a hand-written
 * one is sure to be refused (Swagger UI's "Try it out" and Dredd both sent such a one and got 400).
 * Generation fails when openapi.yaml shows a cursor the codec would not produce, and says which.
 */
import { encodeCursor } from '../../functions/listUsers/cursor';
import type { OpenApiDocument, Operation } from './load';

interface ExampleUser {
  id: string;
  createdAt: string;
}

interface UserPageExample {
  items: ExampleUser[];
  nextCursor: string | null;
}

function pageExamples(op: Operation): Array<[string, UserPageExample]> {
  const ok = op.operation.responses['200'] as
    { content?: Record<string, { examples?: Record<string, { value: UserPageExample }> }> } | undefined;
  return Object.entries(ok?.content?.['application/json']?.examples ?? {}).map(([name, example]) => [
    name,
    example.value,
  ]);
}

/** Every example cursor that differs from what the codec makes, as a sentence; empty when all agree. */
export function cursorExampleMismatches(doc: OpenApiDocument, operations: Operation[]): string[] {
  const listUsers = operations.find((op) => op.operationId === 'listUsers');
  if (listUsers === undefined) return [];
  const problems: string[] = [];
  const cursors: string[] = [];
  for (const [name, page] of pageExamples(listUsers)) {
    const last = page.items.at(-1);
    if (page.nextCursor === null || last === undefined) continue;
    const expected = encodeCursor({ createdAt: new Date(last.createdAt), id: last.id });
    cursors.push(expected);
    if (page.nextCursor !== expected)
      problems.push(`listUsers 200 example ${name}: nextCursor must be ${expected}, the cursor of its last item`);
  }
  const parameter = (listUsers.operation.parameters ?? []).find((p) => p.in === 'query' && p.name === 'cursor') as
    { example?: unknown } | undefined;
  if (
    parameter?.example !== undefined &&
    !(typeof parameter.example === 'string' && cursors.includes(parameter.example))
  ) {
    problems.push(
      `listUsers cursor parameter example must be a nextCursor of a 200 example (${cursors.join(', ') || 'none has one'})`,
    );
  }
  return problems;
}
