'use strict';
/**
 * The database round trip alone: the mongodb driver's findOne on the users collection, with the same
 * filter and projection our functions send, over one connection opened at load. What a handler adds
 * on top of this is its own overhead. Event: `{ id }` (as GET /me looks a user up) or `{ email }` (as
 * login does).
 */
const { MongoClient, ObjectId } = require('mongodb');

const client = new MongoClient(process.env.MONGODB_URI, { maxPoolSize: 2 });
const users = client.db().collection('users');

module.exports.handler = async (event) => {
  const found = event.id
    ? await users.findOne({ _id: new ObjectId(event.id) }, { projection: { name: 1, email: 1, createdAt: 1 } })
    : await users.findOne({ email: event.email }, { projection: { _id: 1, passwordHash: 1 } });
  if (found === null) throw new Error(`no user ${event.id ?? event.email}`);
  return found;
};
