'use strict';
/**
 * bcrypt alone, from the same bcryptjs the functions bundle: what login (compare) and register (hash)
 * spend on the password, to subtract from their latency. Event: `{ op: 'compare', password, hash }` or
 * `{ op: 'hash', password, cost }`.
 */
const bcrypt = require('bcryptjs');

module.exports.handler = async (event) =>
  event.op === 'hash' ? bcrypt.hash(event.password, event.cost) : bcrypt.compare(event.password, event.hash);
