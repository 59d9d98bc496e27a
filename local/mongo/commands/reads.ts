/** Read commands: find and its cursors, count, distinct, aggregate (on a collection or on the database). */
import { cloneValue } from '../document';
import type { Document } from '../document';
import { MongoCommandError } from '../errors';
import { valuesAtPath } from '../keys';
import { checkCollationSupport, runPipeline, validatePipeline } from '../pipeline';
import { compileProjection } from '../projection';
import { checkHint, effectiveCollation, runQuery } from '../query';
import type { QueryPlan } from '../query';
import { parseSort } from '../sort';
import { compareValues, valuesEqual } from '../values';
import {
  collectionName,
  cursorIdValue,
  optionalBoolean,
  optionalDocument,
  optionalDocuments,
  optionalInteger,
  requiredString,
} from './args';
import type { CommandContext, CommandHandler } from './context';
import { cursorReply } from './replies';

/** find options that would change results in ways this server does not implement; refused rather than ignored. */
const UNSUPPORTED_FIND_OPTIONS = ['min', 'max', 'returnKey', 'showRecordId', 'tailable', 'awaitData', 'let'];

export const find: CommandHandler = (command, context) => {
  const { results, namespace } = findResults(command, context);
  const rawLimit = optionalInteger(command, 'limit') ?? 0;
  // A negative limit is the legacy way of asking for a single batch.
  const singleBatch = (optionalBoolean(command, 'singleBatch') ?? false) || rawLimit < 0;
  const batch = context.cursors.firstBatch(namespace, results, {
    batchSize: optionalInteger(command, 'batchSize'),
    singleBatch,
  });
  return cursorReply(namespace, batch, 'firstBatch');
};

function findResults(
  command: Document,
  context: CommandContext,
): { results: Document[]; namespace: string; plan: QueryPlan } {
  const name = collectionName(command);
  const namespace = `${context.database}.${name}`;
  for (const option of UNSUPPORTED_FIND_OPTIONS) {
    if (command[option] !== undefined && command[option] !== false) {
      throw new MongoCommandError(
        'BadValue',
        `find option '${option}' is not supported by the embedded MongoDB server`,
      );
    }
  }
  const collection = context.storage.collection(context.database, name);
  const collation = effectiveCollation(command['collation'], collection);
  const filter = optionalDocument(command, 'filter') ?? {};
  const sort = optionalDocument(command, 'sort');
  if (sort) parseSort(sort);
  const projector = compileProjection(optionalDocument(command, 'projection'), filter, { collator: collation });
  checkHint(collection, command['hint']);
  const skip = optionalInteger(command, 'skip');
  if (skip !== undefined && skip < 0)
    throw new MongoCommandError('Location51024', `BSON field 'skip' value must be >= 0, actual value '${skip}'`);
  const { matches, plan } = runQuery(collection, filter, {
    sort,
    skip,
    limit: Math.abs(optionalInteger(command, 'limit') ?? 0),
    collation,
  });
  const results = matches.map(({ doc }) => (projector ? projector(doc) : doc));
  return { results, namespace, plan };
}

export const getMore: CommandHandler = (command, { cursors, database }) => {
  const cursorId = cursorIdValue(command['getMore'], command, 'getMore');
  const namespace = `${database}.${requiredString(command, 'collection')}`;
  return cursorReply(
    namespace,
    cursors.nextBatch(cursorId, namespace, optionalInteger(command, 'batchSize')),
    'nextBatch',
  );
};

export const killCursors: CommandHandler = (command, { cursors }) => {
  const ids = Array.isArray(command['cursors'])
    ? command['cursors'].map((id) => cursorIdValue(id, command, 'cursors'))
    : [];
  const { killed, notFound } = cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [] };
};

export const count: CommandHandler = (command, context) => countResult(command, context).reply;

function countResult(command: Document, { storage, database }: CommandContext): { reply: Document; plan: QueryPlan } {
  const collection = storage.collection(database, collectionName(command));
  checkHint(collection, command['hint']);
  const { matches, plan } = runQuery(collection, optionalDocument(command, 'query') ?? {}, {
    skip: optionalInteger(command, 'skip'),
    limit: Math.abs(optionalInteger(command, 'limit') ?? 0),
    collation: effectiveCollation(command['collation'], collection),
  });
  return { reply: { n: matches.length }, plan };
}

/** Distinct values of a field, looking inside arrays as MongoDB does, equal under the collation in effect, in order. */
export const distinct: CommandHandler = (command, context) => distinctResult(command, context).reply;

function distinctResult(
  command: Document,
  { storage, database }: CommandContext,
): { reply: Document; plan: QueryPlan } {
  const key = requiredString(command, 'key');
  const collection = storage.collection(database, collectionName(command));
  const collation = effectiveCollation(command['collation'], collection);
  const { matches, plan } = runQuery(collection, optionalDocument(command, 'query') ?? {}, { collation });
  const values: unknown[] = [];
  for (const { doc } of matches) {
    for (const value of valuesAtPath(doc, key))
      if (!values.some((seen) => valuesEqual(seen, value, collation))) values.push(value);
  }
  // mongod collects distinct values in an ordered set, so they come back sorted.
  values.sort((a, b) => compareValues(a, b, collation));
  return { reply: { values }, plan };
}

/** Stages that produce documents without reading a collection, and so may start an `{ aggregate: 1 }`. */
const COLLECTIONLESS_STAGES = new Set(['$documents']);

export const aggregate: CommandHandler = (command, context) => {
  const { results, namespace, explain } = aggregateResults(command, context);
  if (explain) return explain;
  const cursorOptions = optionalDocument(command, 'cursor') as Document;
  const batch = context.cursors.firstBatch(namespace, results, {
    batchSize: optionalInteger(cursorOptions, 'batchSize'),
  });
  return cursorReply(namespace, batch, 'firstBatch');
};

function aggregateResults(
  command: Document,
  context: CommandContext,
): { results: Document[]; namespace: string; explain?: Document } {
  const target = command['aggregate'];
  const onDatabase = target === 1;
  if (typeof target !== 'string' && !onDatabase) {
    throw new MongoCommandError('InvalidNamespace', `Invalid database name: '${context.database}.${String(target)}'`);
  }
  const pipeline = optionalDocuments(command, 'pipeline');
  if (!pipeline) throw new MongoCommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  const explain = optionalBoolean(command, 'explain') ?? false;
  if (!explain && !optionalDocument(command, 'cursor')) {
    throw new MongoCommandError(
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  if (command['let'] !== undefined)
    throw new MongoCommandError('BadValue', "aggregate option 'let' is not supported by the embedded MongoDB server");

  const collection = typeof target === 'string' ? context.storage.collection(context.database, target) : undefined;
  const collation = effectiveCollation(command['collation'], collection);
  validatePipeline(pipeline, collation);
  if (collation) checkCollationSupport(pipeline);
  const [first, ...rest] = pipeline;
  const firstStage = first ? (Object.keys(first)[0] as string) : undefined;
  if (onDatabase) {
    if (!firstStage || !COLLECTIONLESS_STAGES.has(firstStage)) {
      throw new MongoCommandError(
        'InvalidNamespace',
        `{aggregate: 1} is not valid for '${firstStage ?? 'an empty pipeline'}'; a collection is required.`,
      );
    }
  } else {
    checkHint(collection, command['hint']);
  }
  const namespace = onDatabase ? `${context.database}.$cmd.aggregate` : `${context.database}.${target}`;

  let input: Document[] = [];
  let plan: QueryPlan | undefined;
  let remaining = pipeline;
  if (!onDatabase) {
    // A leading $match is answered through the indexes (countDocuments({ email }) stays O(1)).
    const leadingMatch = firstStage === '$match' ? (first?.['$match'] as Document) : undefined;
    const queried = runQuery(collection, leadingMatch ?? {}, { collation });
    input = queried.matches.map(({ doc }) => doc);
    plan = queried.plan;
    remaining = leadingMatch ? rest : pipeline;
  }
  const results = runPipeline(input, remaining, {
    collator: collation,
    resolveCollection: (name) => allDocuments(context, name),
  });
  if (explain) return { results, namespace, explain: explainAggregate(namespace, command, plan, remaining) };
  return { results, namespace };
}

function allDocuments({ storage, database }: CommandContext, name: string): Document[] {
  const collection = storage.collection(database, name);
  return collection ? [...collection.entries()].map(([, doc]) => doc) : [];
}

// ---------------------------------------------------------------------------------------------
// explain

const SERVER_INFO = { host: 'localhost', port: 0, version: '7.0.0', gitVersion: 'embedded' };

/** The plan a query ran with, in mongod's explain shape: FETCH over IXSCAN, or COLLSCAN, or EOF. */
function winningPlan(
  plan: QueryPlan,
  exists: boolean,
  filter: Document,
  extra: { sort?: Document | undefined; limit?: number; skip?: number },
): Document {
  let stage: Document;
  if (!exists) stage = { stage: 'EOF' };
  else if (plan.indexName) {
    stage = {
      stage: 'FETCH',
      ...(Object.keys(filter).length > 0 ? { filter } : {}),
      inputStage: {
        stage: 'IXSCAN',
        keyPattern: plan.keyPattern,
        indexName: plan.indexName,
        direction: 'forward',
        indexVersion: 2,
      },
    };
  } else {
    stage = { stage: 'COLLSCAN', ...(Object.keys(filter).length > 0 ? { filter } : {}), direction: 'forward' };
  }
  if (extra.skip) stage = { stage: 'SKIP', skipAmount: extra.skip, inputStage: stage };
  if (extra.sort && Object.keys(extra.sort).length > 0)
    stage = { stage: 'SORT', sortPattern: extra.sort, inputStage: stage };
  if (extra.limit) stage = { stage: 'LIMIT', limitAmount: extra.limit, inputStage: stage };
  return stage;
}

function queryPlanner(namespace: string, filter: Document, plan: Document): Document {
  return { namespace, indexFilterSet: false, parsedQuery: filter, winningPlan: plan, rejectedPlans: [] };
}

function executionStats(plan: QueryPlan, stages: Document): Document {
  return {
    executionSuccess: true,
    nReturned: plan.nReturned,
    executionTimeMillis: 0,
    totalKeysExamined: plan.keysExamined,
    totalDocsExamined: plan.docsExamined,
    executionStages: stages,
  };
}

function withoutDb(command: Document): Document {
  const { $db: _db, ...rest } = command;
  return rest;
}

function explainReply(command: Document, planner: Document, stats: Document | undefined, verbosity: string): Document {
  return {
    explainVersion: '1',
    queryPlanner: planner,
    ...(verbosity !== 'queryPlanner' && stats ? { executionStats: stats } : {}),
    command: withoutDb(command),
    serverInfo: SERVER_INFO,
  };
}

function explainAggregate(
  namespace: string,
  command: Document,
  plan: QueryPlan | undefined,
  remaining: Document[],
): Document {
  const [first] = command['pipeline'] as Document[];
  const filter = first && '$match' in first ? (first['$match'] as Document) : {};
  const cursorPlan = plan
    ? winningPlan(plan, plan.docsExamined > 0 || plan.indexName !== undefined, filter, {})
    : { stage: 'EOF' };
  const planner = queryPlanner(namespace, filter, cursorPlan);
  if (remaining.length === 0)
    return explainReply(command, planner, plan && executionStats(plan, cursorPlan), 'executionStats');
  return {
    explainVersion: '1',
    stages: [
      { $cursor: { queryPlanner: planner, ...(plan ? { executionStats: executionStats(plan, cursorPlan) } : {}) } },
      ...remaining.map((stage) => cloneValue(stage)),
    ],
    command: withoutDb(command),
    serverInfo: SERVER_INFO,
  };
}

/** `explain` of find, count, distinct and aggregate: the plan the embedded server really uses. */
export const explain: CommandHandler = (command, context) => {
  const explained = optionalDocument(command, 'explain');
  if (!explained) throw new MongoCommandError('FailedToParse', 'explain command requires a nested object');
  const verbosity = typeof command['verbosity'] === 'string' ? command['verbosity'] : 'allPlansExecution';
  if (!['queryPlanner', 'executionStats', 'allPlansExecution'].includes(verbosity)) {
    throw new MongoCommandError(
      'FailedToParse',
      `verbosity string must be one of {'queryPlanner', 'executionStats', 'allPlansExecution'}`,
    );
  }
  const name = Object.keys(explained)[0] ?? '';
  const inner = { ...explained, $db: context.database };
  switch (name) {
    case 'find': {
      const { namespace, plan } = findResults(inner, context);
      const collection = context.storage.collection(context.database, collectionName(inner));
      const filter = optionalDocument(inner, 'filter') ?? {};
      const limit = Math.abs(optionalInteger(inner, 'limit') ?? 0);
      const stages = winningPlan(plan, collection !== undefined, filter, {
        sort: optionalDocument(inner, 'sort'),
        limit,
        skip: optionalInteger(inner, 'skip') ?? 0,
      });
      return explainReply(explained, queryPlanner(namespace, filter, stages), executionStats(plan, stages), verbosity);
    }
    case 'count':
    case 'distinct': {
      const { plan } = name === 'count' ? countResult(inner, context) : distinctResult(inner, context);
      const collection = context.storage.collection(context.database, collectionName(inner));
      const filter = optionalDocument(inner, 'query') ?? {};
      const namespace = `${context.database}.${collectionName(inner)}`;
      const input = winningPlan(plan, collection !== undefined, filter, {});
      const stages =
        name === 'count' ? { stage: 'COUNT', inputStage: input } : { stage: 'PROJECTION_DEFAULT', inputStage: input };
      return explainReply(explained, queryPlanner(namespace, filter, stages), executionStats(plan, stages), verbosity);
    }
    case 'aggregate': {
      const { explain: reply } = aggregateResults({ ...inner, explain: true }, context);
      return reply as Document;
    }
    default:
      throw new MongoCommandError(
        'CommandNotSupported',
        `explain of '${name}' is not supported by the embedded MongoDB server`,
      );
  }
};
