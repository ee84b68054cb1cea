import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { JsonObject } from '@nexus/protocol'
import { ExtensionError } from './Extension.ts'
import type { StatementReply, StatementRequest } from './sqliteStatement.ts'

const MAIN = fileURLToPath(new URL('./sqliteHostMain.ts', import.meta.url))
/** How long one statement may run before its source's process is killed (a handler run lasts about 1 s anyway). */
export const STATEMENT_TIMEOUT_MS = 5_000
/**
 * The source's process runs like the kernel does, with a heap of its own, capped: from source (tests, benches)
 * through tsx; built (scripts/build-kernel.mjs points MAIN at the bundled sqliteHostMain.js) as plain JavaScript.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const EXEC_ARGV = [
  ...(FROM_SOURCE ? ['--conditions=@nexus/source', '--import', 'tsx'] : []),
  '--max-old-space-size=256',
]

type Result = { rows: JsonObject[]; rowCount: number }
type FromChild = StatementReply | { ready: true } | { fatal: string }

interface Pending {
  resolve(result: Result): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

/** One process holding the source, with the calls it has not answered yet. */
interface Child {
  process: ChildProcess
  ready: Promise<void>
  pending: Map<number, Pending>
}

/**
 * One SQLite source in a process of its own. better-sqlite3 runs a statement to its end on the calling
 * thread and offers no interrupt, so an endless recursive CTE would stop the kernel; here a statement past
 * STATEMENT_TIMEOUT_MS gets its process killed instead (QUERY_TIMEOUT) and a fresh one is started.
 */
export class SqliteHost {
  #child: Child | undefined
  #next = 0

  constructor(
    private readonly source: { name: string; readonly: boolean },
    private readonly path: string,
  ) {}

  /** Starts the source's process and waits until it has opened the database (a first call pays no start-up). */
  async start(): Promise<void> {
    await (this.#child ??= this.#spawn()).ready
  }

  async run(text: string, params: unknown[], maxRows: number): Promise<Result> {
    const child = (this.#child ??= this.#spawn())
    await child.ready
    const request: StatementRequest = { id: ++this.#next, text, params, maxRows }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#stop(child, true, this.#timeout()), STATEMENT_TIMEOUT_MS)
      child.pending.set(request.id, { resolve, reject, timer })
      child.process.send(request, (error) => {
        if (error) this.#stop(child, false, this.#ended(error.message))
      })
    })
  }

  /** Ends the source's process: an idle one when its channel closes, a busy one killed (SQLite's journal keeps the file whole). */
  async close(): Promise<void> {
    const child = this.#child
    if (!child) return
    const proc = child.process
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    if (child.pending.size > 0 || !proc.connected) this.#stop(child, false, this.#ended('the kernel is stopping'))
    else {
      this.#child = undefined
      proc.disconnect()
    }
    if (proc.exitCode === null && proc.signalCode === null) await exited
  }

  #spawn(): Child {
    const proc = fork(MAIN, [this.path, this.source.readonly ? 'ro' : 'rw', this.source.name], {
      execArgv: EXEC_ARGV,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const pending = new Map<number, Pending>()
    const ready = new Promise<void>((resolve, reject) => {
      proc.on('message', (message: FromChild) => {
        if ('ready' in message) resolve()
        else if ('fatal' in message) reject(new ExtensionError('QUERY_FAILED', message.fatal))
        else this.#settle(pending, message)
      })
      const ended = (why: string) => {
        const error = this.#ended(why)
        reject(error)
        this.#stop(child, false, error)
      }
      proc.once('exit', (code, signal) => ended(signal ?? `exit code ${code}`))
      proc.on('error', (error) => ended(error.message))
    })
    const child: Child = { process: proc, ready, pending }
    // Awaited by each call; a failure with no call waiting is not an unhandled rejection.
    ready.catch(() => undefined)
    // Neither the child nor its channel keeps the kernel alive; a pending call's timer does.
    proc.unref()
    proc.channel?.unref()
    return child
  }

  #settle(pending: Map<number, Pending>, reply: StatementReply): void {
    const call = pending.get(reply.id)
    if (!call) return
    pending.delete(reply.id)
    clearTimeout(call.timer)
    if (reply.ok) call.resolve({ rows: reply.rows, rowCount: reply.rowCount })
    else call.reject(new ExtensionError(reply.code, reply.message))
  }

  /**
   * Fails the child's calls in flight with `error` and kills it. After a timeout a fresh process starts at
   * once, ready for the next call; after a crash only when a call comes (no restart loop).
   */
  #stop(child: Child, restart: boolean, error: Error): void {
    if (this.#child === child) this.#child = restart ? this.#spawn() : undefined
    for (const call of child.pending.values()) {
      clearTimeout(call.timer)
      call.reject(error)
    }
    child.pending.clear()
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL')
  }

  #timeout(): ExtensionError {
    return new ExtensionError(
      'QUERY_TIMEOUT',
      `QUERY_TIMEOUT: a statement on SQL source "${this.source.name}" ran past ${STATEMENT_TIMEOUT_MS / 1000} s ` +
        'and was stopped; narrow it (a WHERE, a LIMIT, an index)',
    )
  }

  #ended(why: string): ExtensionError {
    return new ExtensionError(
      'QUERY_FAILED',
      `the process of SQL source "${this.source.name}" ended (${why}); the next call starts another`,
    )
  }
}
