/**
 * The one place errors become RFC 9457 problems. A 4xx tells the client what is wrong with its
 * request; a 5xx says only what kind of failure it was, plus the request id that also appears
 * in the log line, so a report can be matched to the logs without the response saying more.
 */
import type { components } from '../../generated/api-types';
import { HttpError, PROBLEM_KIND, ValidationFailed } from './errors';
import type { ProblemKind } from './errors';

export type Problem = components['schemas']['Problem'];
/** The contract's enum of problem types: a kind missing from it fails to compile here. */
export type ProblemType = components['schemas']['ProblemType'];

export const PROBLEM_TYPE_PREFIX = 'urn:auth-api:problem:';

export function problemType(kind: ProblemKind): ProblemType {
  const type: `${typeof PROBLEM_TYPE_PREFIX}${ProblemKind}` = `${PROBLEM_TYPE_PREFIX}${kind}`;
  return type;
}

export interface ProblemAnswer {
  status: number;
  problem: Problem;
  /** Headers the problem needs, such as Retry-After on a 503. */
  headers: Readonly<Record<string, string>>;
}

export function toProblem(error: unknown, requestId: string): ProblemAnswer {
  if (!(error instanceof HttpError) || error.status === 500) {
    return {
      status: 500,
      problem: {
        type: problemType(PROBLEM_KIND.internal),
        title: 'Internal error',
        status: 500,
        detail: `Internal error (request id: ${requestId})`,
        requestId,
      },
      headers: {},
    };
  }
  const problem: Problem = {
    type: problemType(error.kind),
    title: error.title,
    status: error.status,
    detail: error.detail,
  };
  if (error instanceof ValidationFailed) problem.errors = [...error.errors];
  if (!error.expose) problem.requestId = requestId;
  return { status: error.status, problem, headers: error.headers };
}
