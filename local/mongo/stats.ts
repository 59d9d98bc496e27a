/** What serverStatus reports about the server itself: when it started and its connections. */
export class ServerStats {
  readonly startedAt = Date.now();
  current = 0;
  totalCreated = 0;

  opened(): void {
    this.current += 1;
    this.totalCreated += 1;
  }

  closed(): void {
    this.current -= 1;
  }
}
