/**
 * Deferred jobs: a function hands work to an asynchronous invocation of itself, so that a request
 * does the same work, and takes the same time, whatever that work will find (an account that
 * exists or not). Everything outside this folder imports it from here.
 *
 * ```ts
 * // functions/<operation>/jobs.ts
 * export const sendNote = defineJob('sendNote', { accepts: isNoteBody, run: sendNoteTo });
 * // functions/<operation>/handler.ts
 * export const handler = acceptingJobs('<operation>', httpHandler('<operation>', logic), [sendNote]);
 * // in the logic: queued, or DeferFailed (logged and counted already)
 * await deferJob(sendNote, { email });
 * ```
 */
export { deferJob, FUNCTION_NAME_VARIABLE } from './defer';
export { acceptingJobs } from './handler';
export type { JobAcceptingHandler, JobResult } from './handler';
export { DEFER_FAILURE, DeferFailed, defineJob, JOB_FAILURE, MAX_JOB_BYTES } from './job';
export type { DeferFailure, JobContext, JobDefinition, JobFailure, JobSpec } from './job';
