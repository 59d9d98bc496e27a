import mongoose from 'mongoose';
import type { Connection, Model } from 'mongoose';
import { mongoUri, uniqueDatabaseName } from './helpers';
import { closedWithin, crc32c, header, MsgFlags, OP_MSG, openSocket, opMsg, readReply } from './raw-wire';

const CLOSE_TIMEOUT_MS = 2000;

interface Probe {
  label: string;
}

describe('malformed input', () => {
  let connection: Connection;
  let Probes: Model<Probe>;
  let databaseName: string;

  beforeAll(async () => {
    databaseName = uniqueDatabaseName('malformed');
    connection = await mongoose.createConnection(mongoUri(), { dbName: databaseName }).asPromise();
    Probes = connection.model<Probe>('Probe', new mongoose.Schema<Probe>({ label: String }));
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  /** After each bad client, a normal mongoose round trip on the same server still works. */
  async function expectServerStillServes(label: string): Promise<void> {
    await Probes.create({ label });
    await expect(Probes.findOne({ label }).lean()).resolves.toMatchObject({ label });
  }

  const closingInputs: Array<[string, () => Buffer]> = [
    ['garbage bytes', () => Buffer.from('this is not a mongodb message at all, just text')],
    ['a declared length over 48 MB', () => header(48_000_001, OP_MSG)],
    ['a negative declared length', () => header(-1, OP_MSG)],
    ['a declared length shorter than a header', () => header(8, OP_MSG)],
    ['an unknown opcode', () => Buffer.concat([header(20, 9999), Buffer.alloc(4)])],
    [
      'an OP_MSG with an unknown section kind',
      () => Buffer.concat([header(26, OP_MSG), Buffer.alloc(4), Buffer.from([7, 0, 0, 0, 0, 0])]),
    ],
    [
      'an OP_MSG whose body is not valid BSON',
      () =>
        Buffer.concat([header(30, OP_MSG), Buffer.alloc(4), Buffer.from([0, 10, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0])]),
    ],
    ['an OP_MSG with a wrong checksum', () => opMsg({ ping: 1, $db: 'admin' }, { checksum: 'wrong' })],
    ['an OP_MSG with an unknown required flag', () => opMsg({ ping: 1, $db: 'admin' }, { flags: 1 << 5 })],
  ];

  it.each(closingInputs)('closes the connection on %s and keeps serving others', async (label, build) => {
    const socket = await openSocket();

    socket.write(build());

    await expect(closedWithin(socket, CLOSE_TIMEOUT_MS)).resolves.toBe(true);
    await expectServerStillServes(label);
  });

  it('closes the connection when the client hangs up in the middle of a header', async () => {
    const socket = await openSocket();

    socket.end(header(100, OP_MSG).subarray(0, 10));

    await expect(closedWithin(socket, CLOSE_TIMEOUT_MS)).resolves.toBe(true);
    await expectServerStillServes('truncated header');
  });

  it('closes the connection when the client hangs up in the middle of a body', async () => {
    const socket = await openSocket();
    const message = opMsg({ ping: 1, $db: 'admin' });

    socket.end(message.subarray(0, message.length - 3));

    await expect(closedWithin(socket, CLOSE_TIMEOUT_MS)).resolves.toBe(true);
    await expectServerStillServes('truncated body');
  });

  it('accepts an OP_MSG carrying a valid checksum', async () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const socket = await openSocket();

    socket.write(opMsg({ ping: 1, $db: 'admin' }, { checksum: 'valid', requestId: 41 }));

    await expect(readReply(socket)).resolves.toEqual({ responseTo: 41, body: { ok: 1 } });
    socket.destroy();
  });

  it('sends no reply to a moreToCome write but applies it', async () => {
    const socket = await openSocket();

    socket.write(
      opMsg(
        { insert: 'probes', $db: databaseName },
        { flags: MsgFlags.moreToCome, sequences: { documents: [{ label: 'fire and forget' }] } },
      ),
    );
    socket.write(opMsg({ count: 'probes', query: { label: 'fire and forget' }, $db: databaseName }, { requestId: 42 }));

    // The first reply on the socket answers the second message: the first got none.
    await expect(readReply(socket)).resolves.toMatchObject({ responseTo: 42, body: { n: 1, ok: 1 } });
    socket.destroy();
  });

  it('refuses a document over 16 MB with BSONObjectTooLarge and keeps the connection', async () => {
    const socket = await openSocket();
    const oversized = { label: 'x'.repeat(16 * 1024 * 1024) };

    socket.write(opMsg({ insert: 'probes', $db: databaseName }, { sequences: { documents: [oversized] } }));
    const reply = await readReply(socket);
    socket.write(opMsg({ ping: 1, $db: 'admin' }));
    const ping = await readReply(socket);

    expect(reply.body).toMatchObject({ ok: 1, n: 0, writeErrors: [{ index: 0, code: 10334 }] });
    expect(ping.body).toMatchObject({ ok: 1 });
    socket.destroy();
  });

  it('survives a stream of random frames and still answers', async () => {
    let seed = 20240601;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const randomBytes = (count: number): Buffer =>
      Buffer.from(Array.from({ length: count }, () => Math.floor(random() * 256)));
    for (let i = 0; i < 50; i++) {
      // No flags, a body section and a consistent document length, so the noise reaches the BSON parser.
      const document = Buffer.concat([Buffer.alloc(4), randomBytes(Math.floor(random() * 60)), Buffer.from([0])]);
      document.writeInt32LE(document.length);
      const body = Buffer.concat([Buffer.alloc(4), Buffer.from([0]), document]);
      const socket = await openSocket();
      socket.write(Buffer.concat([header(16 + body.length, OP_MSG), body]));
      // Either a reply or a closed connection is fine; a hang or a crash is not.
      await Promise.race([readReply(socket).catch(() => undefined), closedWithin(socket, CLOSE_TIMEOUT_MS)]);
      socket.destroy();
    }

    await expectServerStillServes('after random frames');
  });
});
