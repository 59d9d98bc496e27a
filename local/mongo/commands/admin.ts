/** Server administration: serverStatus, and the runtime parameters setParameter and getParameter change. */
import { hostname } from 'node:os';
import { Long } from 'bson';
import type { Document } from '../document';
import { MongoCommandError } from '../errors';
import { isNumeric, renderValue, toNumber } from '../values';
import type { CommandContext, CommandHandler } from './context';
import { SERVER_VERSION } from './handshake';

/** How many connections serverStatus says the server could still take, as a mongod with a high file limit does. */
const MAX_INCOMING_CONNECTIONS = 838_860;

const BYTES_PER_MEGABYTE = 1024 * 1024;

/** Enough of serverStatus for drivers, mongoose and shells: identity, uptime, connections and memory. */
export const serverStatus: CommandHandler = (_command, { stats }) => {
  const uptimeMillis = Date.now() - stats.startedAt;
  const memory = process.memoryUsage();
  return {
    host: hostname(),
    version: SERVER_VERSION,
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: uptimeMillis / 1000,
    uptimeMillis: Long.fromNumber(uptimeMillis),
    uptimeEstimate: Long.fromNumber(Math.floor(uptimeMillis / 1000)),
    localTime: new Date(),
    asserts: { regular: 0, warning: 0, msg: 0, user: 0, tripwire: 0, rollovers: 0 },
    connections: {
      current: stats.current,
      available: MAX_INCOMING_CONNECTIONS - stats.current,
      totalCreated: stats.totalCreated,
      active: 1,
    },
    mem: {
      bits: 64,
      resident: Math.round(memory.rss / BYTES_PER_MEGABYTE),
      virtual: Math.round((memory.rss + memory.external) / BYTES_PER_MEGABYTE),
      supported: true,
    },
  };
};

interface Parameter {
  get(context: CommandContext): unknown;
  set?(context: CommandContext, value: unknown): void;
}

const PARAMETERS: Record<string, Parameter> = {
  ttlMonitorSleepSecs: {
    get: ({ ttl }) => ttl.sleepSeconds,
    set: ({ ttl }, value) => {
      if (!isNumeric(value) || !Number.isInteger(toNumber(value))) {
        throw new MongoCommandError(
          'BadValue',
          `Invalid value for parameter ttlMonitorSleepSecs: ${renderValue(value)} is not a valid integer`,
        );
      }
      if (toNumber(value) <= 0)
        throw new MongoCommandError(
          'BadValue',
          `Invalid value for parameter ttlMonitorSleepSecs: ${toNumber(value)} is not greater than 0`,
        );
      ttl.sleepSeconds = toNumber(value);
    },
  },
  ttlMonitorEnabled: {
    get: ({ ttl }) => ttl.enabled,
    set: ({ ttl }, value) => {
      if (typeof value !== 'boolean')
        throw new MongoCommandError(
          'BadValue',
          `Invalid value for parameter ttlMonitorEnabled: ${renderValue(value)} is not a boolean`,
        );
      ttl.enabled = value;
    },
  },
  featureCompatibilityVersion: { get: () => ({ version: '7.0' }) },
};

/** Fields every command may carry, which are not parameters. */
function isGenericField(field: string): boolean {
  return (
    field.startsWith('$') ||
    ['lsid', 'comment', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'writeConcern'].includes(field)
  );
}

function requireAdmin(command: string, { database }: CommandContext): void {
  if (database !== 'admin')
    throw new MongoCommandError('Unauthorized', `${command} may only be run against the admin database.`);
}

export const setParameter: CommandHandler = (command, context) => {
  requireAdmin('setParameter', context);
  const requested = Object.entries(command).filter(([field]) => field !== 'setParameter' && !isGenericField(field));
  if (requested.length === 0)
    throw new MongoCommandError('InvalidOptions', 'no option found to set, use help:true to see options ');
  for (const [name] of requested) {
    const parameter = PARAMETERS[name];
    if (!parameter)
      throw new MongoCommandError(
        'InvalidOptions',
        `attempted to set unrecognized parameter [${name}], use help:true to see options `,
      );
    if (!parameter.set) throw new MongoCommandError('IllegalOperation', `not allowed to change [${name}] at runtime`);
  }
  const reply: Document = {};
  for (const [name, value] of requested) {
    const parameter = PARAMETERS[name] as Required<Parameter>;
    reply['was'] ??= parameter.get(context);
    parameter.set(context, value);
  }
  return reply;
};

export const getParameter: CommandHandler = (command, context) => {
  requireAdmin('getParameter', context);
  const all = command['getParameter'] === '*';
  const names = all
    ? Object.keys(PARAMETERS)
    : Object.keys(command).filter((field) => field !== 'getParameter' && !isGenericField(field));
  const reply: Document = {};
  for (const name of names) {
    const parameter = PARAMETERS[name];
    if (parameter) reply[name] = parameter.get(context);
  }
  if (Object.keys(reply).length === 0) throw new MongoCommandError('InvalidOptions', 'no option found to get');
  return reply;
};
