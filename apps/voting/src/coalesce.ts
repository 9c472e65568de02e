/**
 * Shares one read among the callers that arrive while it is pending — but only reads that START after a
 * caller arrived: a caller that finds a read in flight waits for the next one. So concurrent requests cost
 * one query per round, and nobody sees data older than their own arrival (a client that has just voted
 * always sees its vote in the list it asks for next).
 */
export class ReadCoalescer<T> {
  private current: Promise<T> | undefined;
  private next: Promise<T> | undefined;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.current) return this.start();
    this.next ??= this.current.then(
      () => this.start(),
      () => this.start(),
    );
    return this.next;
  }

  private start(): Promise<T> {
    this.next = undefined;
    const run = this.read().finally(() => {
      if (this.current === run) this.current = undefined;
    });
    this.current = run;
    return run;
  }
}
