import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** How often the worker copies the WAL back into the database file. */
const CHECKPOINT_MS = 100
/** A WAL longer than this (pages of 4 KiB) is copied in full and restarted by the worker. */
const RESTART_PAGES = 4_096

/**
 * The worker's code, plain JavaScript so it runs the same under tsx, vitest and a build: a second
 * better-sqlite3 connection that runs `wal_checkpoint(PASSIVE)` on a timer. PASSIVE never waits for the
 * writer or readers and never takes the write lock, so the kernel's connection commits on while it runs.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file)
db.pragma('busy_timeout = 0')
let stopped = false
let failures = 0
let timer
const tick = () => {
  if (stopped) return
  try {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)')
    // Under commits without pause the writer never finds the WAL fully copied, so it never starts it over:
    // past RESTART_PAGES take the write lock (without waiting for it) to copy the rest and restart the log.
    if (log > workerData.restartPages) db.pragma('wal_checkpoint(RESTART)')
    failures = 0
  } catch (error) {
    // SQLITE_BUSY: the writer held its lock, or another checkpoint is running; next tick.
    if (++failures === 50) parentPort.postMessage({ type: 'error', message: String(error && error.message) })
  }
  timer = setTimeout(tick, workerData.intervalMs)
}
parentPort.on('message', (message) => {
  if (message !== 'stop') return
  stopped = true
  clearTimeout(timer)
  try { db.pragma('wal_checkpoint(PASSIVE)') } catch {}
  db.close()
  parentPort.close()
})
timer = setTimeout(tick, workerData.intervalMs)
`

/**
 * Checkpoints a SQLite database in WAL mode off the event loop. SQLite's automatic checkpoint runs inside the
 * commit that crosses `wal_autocheckpoint` pages, writing pages back and fsyncing the database file on the
 * thread that committed — a few milliseconds on the kernel's loop every few hundred triggers. The kernel's
 * connection keeps only a far backstop (`BACKSTOP_PAGES`, for a WAL this worker cannot keep up with) and this
 * worker thread checkpoints every `CHECKPOINT_MS` on its own connection. Durability is unchanged: a commit is
 * acknowledged once the WAL holding it is fsynced (`WalSync`), and a checkpoint only copies committed frames.
 */
export class Checkpointer {
  private readonly worker: Worker
  private readonly exited: Promise<void>

  constructor(file: string, intervalMs = CHECKPOINT_MS) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      stdout: false,
      workerData: { file, driver, intervalMs, restartPages: RESTART_PAGES },
    })
    this.worker.unref()
    this.worker.on('message', (message: { type: string; message: string }) => {
      if (message.type === 'error') console.error('[db] the WAL checkpoint keeps failing:', message.message)
    })
    this.worker.on('error', (error) => console.error('[db] the WAL checkpoint worker failed:', error))
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()))
  }

  /** Stops the worker after a last checkpoint; its connection is closed when this resolves. */
  async close(): Promise<void> {
    this.worker.ref() // the last thing a closing kernel waits for: keep the process up until it has exited
    this.worker.postMessage('stop')
    await this.exited
  }
}

/** The kernel connection's own checkpoint, only for a WAL this many pages long (the worker fell behind). */
export const BACKSTOP_PAGES = 16_384
