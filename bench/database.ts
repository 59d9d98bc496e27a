/**
 * The benchmark's database: the embedded server in its own process, and a way to count the
 * connections it has accepted, to check that each function instance keeps one connection.
 */
import { connect } from 'node:net';
import { BSON } from 'bson';
import { startMongo } from '../local/mongo';

export interface BenchDatabase {
  uri: string;
  stop(): Promise<void>;
}

/** startMongo runs the server in a process of its own, so its work never shares an event loop with the load generator. */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  // Function instances are killed, not closed, when a measurement ends: their resets are expected.
  return startMongo({
    log: (line) => (line.includes('ECONNRESET') ? undefined : process.stderr.write(`embedded mongo: ${line}\n`)),
  });
}

const OP_MSG = 2013;
const HEADER_BYTES = 16;

/** One OP_MSG command on a raw socket: exactly one connection, which the count below relies on. */
function encodeCommand(command: Record<string, unknown>): Buffer {
  const body = Buffer.from(BSON.serialize(command));
  const message = Buffer.alloc(HEADER_BYTES + 4 + 1 + body.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(1, 4);
  message.writeInt32LE(0, 8);
  message.writeInt32LE(OP_MSG, 12);
  message.writeUInt32LE(0, 16);
  message.writeUInt8(0, 20);
  body.copy(message, 21);
  return message;
}

/**
 * How many connections the server has accepted so far, this one included. The server numbers each
 * accepted connection in turn and `hello` reports the number, so the difference between two readings,
 * minus one for the second reading's own connection, is how many connections others opened in between.
 */
export async function connectionsAccepted(uri: string): Promise<number> {
  const { hostname, port } = new URL(uri);
  const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
  try {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      socket.once('error', reject);
      socket.once('connect', () => socket.write(encodeCommand({ hello: 1, $db: 'admin' })));
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        const received = Buffer.concat(chunks);
        if (received.length >= 4 && received.length >= received.readInt32LE(0)) resolve(received);
      });
    });
    const document = BSON.deserialize(reply.subarray(HEADER_BYTES + 5, reply.readInt32LE(0)));
    const id: unknown = document['connectionId'];
    const value = typeof id === 'number' ? id : Number(id);
    if (!Number.isInteger(value))
      throw new Error(`the server's hello reply has no connectionId: ${JSON.stringify(document)}`);
    return value;
  } finally {
    socket.destroy();
  }
}
