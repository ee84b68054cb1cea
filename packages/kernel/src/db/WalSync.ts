import { closeSync, fsync, openSync } from 'node:fs'

/**
 * Group commit for SQLite in WAL mode. The connection runs `synchronous=NORMAL`, so a commit appends to the
 * WAL without waiting for the disk and never holds the event loop through an fsync; `durable()` then fsyncs
 * the WAL file on the libuv thread pool — what `synchronous=FULL` does inside every commit — and one fsync
 * serves every commit made before it began. A write is acknowledged only once `durable()` resolves, so an
 * acknowledged change survives power loss as under FULL, while commits from many requests share one fsync.
 *
 * The WAL file keeps its inode while the connection is open (SQLite removes it only when the last connection
 * closes, and no `journal_size_limit` is set), so the descriptor opened on first use stays the right one.
 */
export class WalSync {
  private fd: number | undefined
  private syncing: Promise<void> | undefined
  private next: Promise<void> | undefined

  constructor(private readonly walPath: string) {}

  /** Resolves once everything committed before the call is on disk. */
  durable(): Promise<void> {
    if (!this.syncing) return this.start()
    // The fsync under way may have begun before the caller's commit: one more after it, shared by all who wait.
    return (this.next ??= this.syncing.then(this.again, this.again))
  }

  private readonly again = (): Promise<void> => {
    this.next = undefined
    return this.start()
  }

  private start(): Promise<void> {
    this.fd ??= openSync(this.walPath, 'r+')
    const fd = this.fd
    const syncing = new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())))
    this.syncing = syncing
    const settled = () => {
      if (this.syncing === syncing) this.syncing = undefined
    }
    syncing.then(settled, settled)
    return syncing
  }

  /** After the last fsync under way; the database closes next. */
  async close(): Promise<void> {
    await this.next?.catch(() => undefined)
    await this.syncing?.catch(() => undefined)
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}
