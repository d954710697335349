// An async mutex per key. libSQL answers concurrent write transactions on one file with SQLITE_BUSY and, with a
// busy timeout, waits for the lock on the JS thread, stalling every store (STACK-NOTES). Serializing writes per
// store in JS keeps the event loop free; the measured cost is ~0.6 ms per transaction.

export class KeyedLock {
  private tails = new Map<string, Promise<void>>();
  private queued = new Map<string, number>();

  /** Runs `fn` once every earlier holder of `key` has finished; holders run in arrival order. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    this.queued.set(key, (this.queued.get(key) ?? 0) + 1);
    try {
      await prev;
    } finally {
      const n = this.queued.get(key)! - 1;
      if (n === 0) this.queued.delete(key);
      else this.queued.set(key, n);
    }
    try {
      return await fn();
    } finally {
      release();
      // Drop the entry when nobody queued behind us, so idle stores cost nothing.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Callers of `run(key)` waiting for their turn (the holder not counted). */
  waiting(key: string): number {
    return this.queued.get(key) ?? 0;
  }

  isHeld(key: string): boolean {
    return this.tails.has(key);
  }
}
