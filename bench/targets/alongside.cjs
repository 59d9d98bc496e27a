'use strict';
/**
 * A function bundle (BENCH_FUNCTION, its `handler`) with the costs it cannot avoid measured beside it,
 * in the same process: same JIT state, same CPU, invocations interleaved. Each event is one of
 *   an API Gateway event             → the function
 *   { bench: 'compare', password, hash } / { bench: 'hash', password, cost }
 *                                    → bcryptjs alone (the same library the function bundles)
 *   { bench: 'lookup', id | email }  → the mongodb driver's findOne on the users collection, with the
 *                                      filter and projection the function sends, over its own connection
 *   { bench: 'session', id, userId } → the driver's read of a live session by _id, as the session check sends it
 * so that "function − bcrypt − lookup" is what our code adds, without the noise of comparing processes.
 */
const bcrypt = require('bcryptjs');
const { MongoClient, ObjectId } = require('mongodb');

const fn = require(process.env.BENCH_FUNCTION).handler;
if (typeof fn !== 'function') throw new Error(`${process.env.BENCH_FUNCTION} does not export a handler`);

let database;
function collection(name = 'users') {
  database ??= new MongoClient(process.env.MONGODB_URI, { maxPoolSize: 2 }).db();
  return database.collection(name);
}

async function session(event) {
  const found = await collection('sessions').findOne(
    {
      _id: new ObjectId(event.id),
      userId: new ObjectId(event.userId),
      revokedAt: null,
      expiresAt: { $gt: new Date() },
    },
    { projection: { _id: 1 } },
  );
  if (found === null) throw new Error(`no live session ${event.id}`);
  return found;
}

async function lookup(event) {
  const found = event.id
    ? await collection().findOne({ _id: new ObjectId(event.id) }, { projection: { name: 1, email: 1, createdAt: 1 } })
    : await collection().findOne({ email: event.email }, { projection: { _id: 1, passwordHash: 1 } });
  if (found === null) throw new Error(`no user ${event.id ?? event.email}`);
  return found;
}

module.exports.handler = (event, context) => {
  switch (event && event.bench) {
    case 'compare':
      return bcrypt.compare(event.password, event.hash);
    case 'hash':
      return bcrypt.hash(event.password, event.cost);
    case 'lookup':
      return lookup(event);
    case 'session':
      return session(event);
    default:
      return fn(event, context);
  }
};
