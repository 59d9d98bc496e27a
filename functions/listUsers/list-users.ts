/**
 * GET /users: one page of users, oldest first, showing only ids, names and creation times.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { components } from '../../generated/api-types';
import validateListUsersQuery from '../../generated/validators/listUsers-query';
import type { Reply } from '../shared/http-handler';
import { OUTCOME } from '../shared/outcomes';
import { readQuery } from '../shared/request';
import { listUsers as listUserPage } from '../shared/users';
import type { PageKey } from '../shared/users';
import { validated } from '../shared/validation';
import { decodeCursor, encodeCursor } from './cursor';

export type UserPage = components['schemas']['UserPage'];

export interface PageRequest {
  limit: number;
  after: PageKey | undefined;
}

/** The validator coerces `limit` to a number and fills in its default of 20. */
export function parsePageRequest(event: APIGatewayProxyEvent): PageRequest {
  const query = validated(validateListUsersQuery, readQuery(event), 'query');
  return { limit: query.limit ?? 20, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) };
}

export async function listUsers(event: APIGatewayProxyEvent): Promise<Reply> {
  const { limit, after } = parsePageRequest(event);
  const page = await listUserPage(limit, after);
  const body: UserPage = { items: page.users, nextCursor: page.next === undefined ? null : encodeCursor(page.next) };
  return { status: 200, body, outcome: OUTCOME.usersListed };
}
