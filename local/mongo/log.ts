/** Where the server reports what it refuses: closed connections, unexpected failures. */
export type Log = (message: string) => void;

export const stderrLog: Log = (message) => {
  process.stderr.write(`[mongo] ${message}\n`);
};
