/**
 * Runs work one item at a time per key, in the order it was queued (a failure does not stop what follows).
 * A key's entry is dropped once its last queued work has settled, so idle keys cost nothing.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>()

  /** Runs `work` after everything queued on `key` before it. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const run = previous.catch(() => undefined).then(work)
    this.tails.set(key, run)
    void run
      .finally(() => {
        if (this.tails.get(key) === run) this.tails.delete(key)
      })
      .catch(() => undefined)
    return run
  }
}
