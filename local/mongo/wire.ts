/**
 * MongoDB wire protocol framing: the 16-byte header, OP_MSG (with document sequences, moreToCome and
 * checksums) and the legacy OP_QUERY/OP_REPLY pair the driver still uses for its first handshake.
 * BSON itself is left to the `bson` package.
 */
import { serialize } from 'bson';
import { crc32c } from './crc32c';
import { isDocument, MAX_DOCUMENT_BYTES } from './document';
import type { Document } from './document';
import { ProtocolError } from './errors';
import { decodeBson } from './numbers';

export const OpCode = {
  Reply: 1,
  Query: 2004,
  Msg: 2013,
} as const;

export const HEADER_BYTES = 16;
/** mongod's `maxMessageSizeBytes`; larger frames close the connection. */
export const MAX_MESSAGE_BYTES = 48_000_000;
/** mongod's `maxWriteBatchSize`: statements in one insert, update or delete. */
export const MAX_WRITE_BATCH_SIZE = 100_000;
/** Commands may exceed a document's limit by this much, so a 16 MB document still fits in an insert. */
const COMMAND_OVERHEAD_BYTES = 16 * 1024;

const MsgFlag = {
  ChecksumPresent: 1 << 0,
  MoreToCome: 1 << 1,
  ExhaustAllowed: 1 << 16,
} as const;
/** Bits 0-15 are "required": a receiver must refuse a message carrying one it does not know. */
const REQUIRED_FLAG_MASK = 0xffff;
const KNOWN_FLAGS = MsgFlag.ChecksumPresent | MsgFlag.MoreToCome | MsgFlag.ExhaustAllowed;

const SectionKind = { Body: 0, DocumentSequence: 1 } as const;

export interface MessageHeader {
  length: number;
  requestId: number;
  opCode: number;
}

export interface CommandRequest {
  requestId: number;
  opCode: typeof OpCode.Msg | typeof OpCode.Query;
  command: Document;
  /** False when OP_MSG set moreToCome: the client will not read a reply (w:0 writes, endSessions). */
  expectsReply: boolean;
  /**
   * Set when a document sequence holds more statements than a write may: they were counted, not decoded,
   * and the command is to be refused without running.
   */
  oversizedBatch?: number;
}

/** Reads and validates a header as soon as 16 bytes arrive, so a bad length or opcode is refused before its body. */
export function readHeader(bytes: Buffer): MessageHeader {
  const length = bytes.readInt32LE(0);
  const opCode = bytes.readInt32LE(12);
  if (length < HEADER_BYTES || length > MAX_MESSAGE_BYTES) {
    throw new ProtocolError(`message length ${length} is invalid. Min ${HEADER_BYTES} Max: ${MAX_MESSAGE_BYTES}`);
  }
  if (opCode !== OpCode.Msg && opCode !== OpCode.Query) {
    throw new ProtocolError(`unsupported opcode ${opCode}`);
  }
  return { length, requestId: bytes.readInt32LE(4), opCode };
}

/** Decodes one complete frame (header included) into the command it carries. */
export function decodeRequest(frame: Buffer): CommandRequest {
  const header = readHeader(frame);
  if (frame.length !== header.length) {
    throw new ProtocolError(`frame is ${frame.length} bytes but its header declares ${header.length}`);
  }
  return header.opCode === OpCode.Msg ? decodeMsg(frame, header) : decodeQuery(frame, header);
}

function decodeMsg(frame: Buffer, header: MessageHeader): CommandRequest {
  const flags = readInt32(frame, HEADER_BYTES) >>> 0;
  const unknownRequired = flags & REQUIRED_FLAG_MASK & ~KNOWN_FLAGS;
  if (unknownRequired !== 0) throw new ProtocolError(`OP_MSG has unknown required flag bits ${unknownRequired}`);

  let end = frame.length;
  if (flags & MsgFlag.ChecksumPresent) {
    end -= 4;
    if (end < HEADER_BYTES + 4) throw new ProtocolError('OP_MSG is too short to carry a checksum');
    if (crc32c(frame.subarray(0, end)) !== frame.readUInt32LE(end)) {
      throw new ProtocolError('OP_MSG checksum does not match its contents');
    }
  }

  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  let oversizedBatch: number | undefined;
  let offset = HEADER_BYTES + 4;
  while (offset < end) {
    const kind = frame[offset];
    offset += 1;
    if (kind === SectionKind.Body) {
      if (body) throw new ProtocolError('OP_MSG has more than one body section');
      const size = documentSize(frame, offset, end, MAX_DOCUMENT_BYTES + COMMAND_OVERHEAD_BYTES);
      body = decodeDocument(frame, offset, size);
      offset += size;
    } else if (kind === SectionKind.DocumentSequence) {
      const size = readInt32(frame, offset);
      const sequenceEnd = offset + size;
      if (size < 5 || sequenceEnd > end) throw new ProtocolError(`OP_MSG document sequence size ${size} is invalid`);
      const nameEnd = frame.indexOf(0, offset + 4);
      if (nameEnd < 0 || nameEnd >= sequenceEnd) throw new ProtocolError('OP_MSG document sequence has no identifier');
      const identifier = frame.toString('utf8', offset + 4, nameEnd);
      const documents: Document[] = [];
      let count = 0;
      let docOffset = nameEnd + 1;
      while (docOffset < sequenceEnd) {
        // Each document is checked against the message, not 16 MB: an oversized insert gets a write error, not a dropped connection.
        const docSize = documentSize(frame, docOffset, sequenceEnd, MAX_MESSAGE_BYTES);
        // Past the batch limit the write will be refused: counting is enough, and decoding millions of small documents is not free.
        if (count < MAX_WRITE_BATCH_SIZE) documents.push(decodeDocument(frame, docOffset, docSize));
        count += 1;
        docOffset += docSize;
      }
      if (count > MAX_WRITE_BATCH_SIZE) oversizedBatch = Math.max(oversizedBatch ?? 0, count);
      sequences.push([identifier, documents]);
      offset = sequenceEnd;
    } else {
      throw new ProtocolError(`OP_MSG has unknown section kind ${String(kind)}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG has no body section');
  for (const [identifier, documents] of sequences) {
    if (Object.hasOwn(body, identifier)) {
      throw new ProtocolError(`OP_MSG field '${identifier}' is both in the body and a document sequence`);
    }
    // Defined rather than assigned, so that an identifier such as `__proto__` is just a field name.
    Object.defineProperty(body, identifier, { value: documents, enumerable: true, writable: true, configurable: true });
  }
  return {
    requestId: header.requestId,
    opCode: OpCode.Msg,
    command: body,
    expectsReply: (flags & MsgFlag.MoreToCome) === 0,
    ...(oversizedBatch === undefined ? {} : { oversizedBatch }),
  };
}

/** Only commands (`<db>.$cmd`) are accepted over OP_QUERY: the driver uses it for nothing else. */
function decodeQuery(frame: Buffer, header: MessageHeader): CommandRequest {
  const nameStart = HEADER_BYTES + 4;
  const nameEnd = frame.indexOf(0, nameStart);
  if (nameEnd < 0) throw new ProtocolError('OP_QUERY has no collection name');
  const namespace = frame.toString('utf8', nameStart, nameEnd);
  const dot = namespace.indexOf('.');
  if (dot <= 0 || namespace.slice(dot + 1) !== '$cmd') {
    throw new ProtocolError(`OP_QUERY is only supported for commands, not on '${namespace}'`);
  }
  const queryOffset = nameEnd + 1 + 8; // numberToSkip, numberToReturn
  const size = documentSize(frame, queryOffset, frame.length, MAX_DOCUMENT_BYTES + COMMAND_OVERHEAD_BYTES);
  const query = decodeDocument(frame, queryOffset, size);
  // Old clients wrap the command to attach a read preference.
  const wrapped = query['$query'];
  const command = isDocument(wrapped) ? wrapped : query;
  return {
    requestId: header.requestId,
    opCode: OpCode.Query,
    command: { ...command, $db: namespace.slice(0, dot) },
    expectsReply: true,
  };
}

/** An OP_MSG reply with a single body section. */
export function encodeMsgReply(responseTo: number, reply: Document): Buffer {
  const body = serialize(reply);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + 4 + 1 + body.length);
  writeHeader(frame, responseTo, OpCode.Msg);
  frame.writeUInt32LE(0, HEADER_BYTES);
  frame[HEADER_BYTES + 4] = SectionKind.Body;
  frame.set(body, HEADER_BYTES + 5);
  return frame;
}

/** An OP_REPLY carrying one document, the answer to an OP_QUERY command. */
export function encodeQueryReply(responseTo: number, reply: Document): Buffer {
  const body = serialize(reply);
  const prefix = 4 + 8 + 4 + 4; // responseFlags, cursorID, startingFrom, numberReturned
  const frame = Buffer.allocUnsafe(HEADER_BYTES + prefix + body.length);
  writeHeader(frame, responseTo, OpCode.Reply);
  frame.writeInt32LE(0, HEADER_BYTES);
  frame.writeBigInt64LE(0n, HEADER_BYTES + 4);
  frame.writeInt32LE(0, HEADER_BYTES + 12);
  frame.writeInt32LE(1, HEADER_BYTES + 16);
  frame.set(body, HEADER_BYTES + prefix);
  return frame;
}

let nextResponseId = 1;

function writeHeader(frame: Buffer, responseTo: number, opCode: number): void {
  frame.writeInt32LE(frame.length, 0);
  frame.writeInt32LE(nextResponseId, 4);
  nextResponseId = nextResponseId >= 0x7fffffff ? 1 : nextResponseId + 1;
  frame.writeInt32LE(responseTo, 8);
  frame.writeInt32LE(opCode, 12);
}

function readInt32(frame: Buffer, offset: number): number {
  if (offset + 4 > frame.length) throw new ProtocolError('message ends in the middle of a field');
  return frame.readInt32LE(offset);
}

function documentSize(frame: Buffer, offset: number, end: number, limit: number): number {
  const size = readInt32(frame, offset);
  if (size > limit) throw new ProtocolError(`BSON document of ${size} bytes exceeds the ${limit} byte limit`);
  if (size < 5 || offset + size > end) throw new ProtocolError(`BSON document size ${size} does not fit the message`);
  return size;
}

function decodeDocument(frame: Buffer, offset: number, size: number): Document {
  try {
    return decodeBson(frame.subarray(offset, offset + size));
  } catch (error) {
    throw new ProtocolError(`invalid BSON: ${(error as Error).message}`);
  }
}
