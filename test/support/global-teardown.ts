/** Stops the server global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.embeddedMongo?.stop();
  globalThis.embeddedMongo = undefined;
  await globalThis.sinkOutbox?.close();
  globalThis.sinkOutbox = undefined;
}
