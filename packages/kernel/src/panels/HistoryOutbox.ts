import { sql, type SQL } from 'drizzle-orm'
import type { TrilogEvent, TrilogStore } from '@nexus/trilog'
import { num, type SqlRunner } from '../db/SqlRunner.ts'
import type { KernelMetrics } from '../metrics.ts'

/** Rows relayed per TriLog write. */
const BATCH_SIZE = 500
/** Wait before trying again after TriLog or the database refused. */
const RETRY_MS = 1_000
/** Changes woken within this window go to TriLog in one write (a read drains at once). */
const COALESCE_MS = 50

/**
 * Statements adding history events to `trilog_outbox`, for a repository to run in the transaction of the
 * change they describe. With `onlyIf`, each insert happens only when that condition holds (a compare-and-set
 * written as one batch of statements).
 */
export function outboxInserts(events: readonly TrilogEvent[], ts: number, onlyIf?: SQL): SQL[] {
  return events.map((event) =>
    onlyIf
      ? sql`insert into trilog_outbox (event, created_at) select ${JSON.stringify(event)}, ${ts} where ${onlyIf}`
      : sql`insert into trilog_outbox (event, created_at) values (${JSON.stringify(event)}, ${ts})`,
  )
}

/** Outbox rows for a drizzle insert into `trilogOutbox`. */
export function outboxRows(events: readonly TrilogEvent[], ts: number): { event: string; createdAt: number }[] {
  return events.map((event) => ({ event: JSON.stringify(event), createdAt: ts }))
}

export interface HistoryRelayOptions {
  sql: SqlRunner
  store: TrilogStore
  metrics: KernelMetrics
  batchSize?: number
  retryMs?: number
}

/**
 * Moves history events from `trilog_outbox` (written with each panel change, so an acknowledged change always
 * has its event on disk) to TriLog, oldest first, deleting rows only once TriLog has stored them. What a crash
 * left is sent at start; rows that may already be in TriLog (left by a crash, or after a failed write) are
 * checked against it first, so a change is never stored twice. While TriLog refuses, rows wait and are retried.
 */
export class HistoryRelay {
  /** Rows may be waiting: true at start, since a previous process may have left some. */
  private dirty = true
  /** Waiting rows may already be in TriLog. */
  private suspect = true
  private running: Promise<void> | undefined
  private retry: NodeJS.Timeout | undefined
  private soon: NodeJS.Timeout | undefined
  private closed = false
  private readonly unfeed: () => void
  private readonly batchSize: number
  private readonly retryMs: number

  constructor(private readonly options: HistoryRelayOptions) {
    this.batchSize = options.batchSize ?? BATCH_SIZE
    this.retryMs = options.retryMs ?? RETRY_MS
    // Every TriLog read waits for the outbox, so history answers include every committed change.
    this.unfeed = options.store.feedFrom(() => this.drain())
  }

  /** Sends what a previous run left, then keeps relaying as changes are woken in. */
  start(): void {
    void this.drain()
  }

  /**
   * A change committed: relay it shortly, with whatever else commits meanwhile. The pass starts in the loop's
   * check phase (`setImmediate` from the timer), after the poll phase has read what the sockets brought, so a
   * trigger that arrived meanwhile runs (and commits and broadcasts) before the relay's batch, never behind it.
   */
  wake(): void {
    this.dirty = true
    this.soon ??= setTimeout(() => {
      setImmediate(() => {
        this.soon = undefined
        void this.drain()
      })
    }, COALESCE_MS)
  }

  /**
   * Resolves when every row committed before the call is in TriLog, or when a failure (logged and counted)
   * left rows for the retry. Never rejects.
   */
  drain(): Promise<void> {
    if (this.closed || this.retry) return Promise.resolve()
    // A pass already running may have read the outbox before this caller's change: go again after it.
    if (this.running) return this.running.then(() => this.drain())
    if (!this.dirty) return Promise.resolve()
    this.running = this.pump().finally(() => (this.running = undefined))
    return this.running
  }

  /** Relays what is left (unless TriLog refuses) and stops. */
  async close(): Promise<void> {
    clearTimeout(this.soon)
    this.soon = undefined
    if (this.retry) clearTimeout(this.retry)
    this.retry = undefined
    this.dirty = true
    await this.drain()
    this.closed = true
    if (this.retry) clearTimeout(this.retry) // the last pass failed: the rows wait for the next start
    this.retry = undefined
    this.unfeed()
  }

  /**
   * Stops at once (the end of the kernel's shutdown, or its deadline): a pass under way ends after its batch,
   * and what is left waits in the outbox for the next start. Resolves with how many rows wait.
   */
  async stop(): Promise<number> {
    this.closed = true
    clearTimeout(this.soon)
    clearTimeout(this.retry)
    this.soon = this.retry = undefined
    this.unfeed()
    const [row] = await this.options.sql.all<{ n: number | string }>(sql`select count(*) as n from trilog_outbox`)
    return num(row?.n ?? 0)
  }

  private async pump(): Promise<void> {
    try {
      while (this.dirty && !this.closed) {
        this.dirty = false
        let sent: number
        do sent = await this.relayBatch()
        while (sent === this.batchSize && !this.closed)
      }
      this.suspect = false // the outbox was empty: nothing left from before
    } catch (error) {
      this.dirty = true
      this.suspect = true // the write may have landed before the failure
      this.options.metrics.historyRelayFailures.inc()
      console.error('[history] could not relay changes to TriLog; they wait in the outbox:', error)
      if (!this.closed) {
        this.retry = setTimeout(() => {
          this.retry = undefined
          void this.drain()
        }, this.retryMs)
        this.retry.unref()
      }
    }
  }

  /** Sends one batch of outbox rows; resolves with how many rows it read. */
  private async relayBatch(): Promise<number> {
    const rows = await this.options.sql.all<{ id: number | string; event: string }>(
      sql`select id, event from trilog_outbox order by id limit ${this.batchSize}`,
    )
    if (rows.length === 0) return 0
    let events = rows.map((r) => JSON.parse(r.event) as TrilogEvent)
    if (this.suspect) events = await this.options.store.unstored(events)
    await this.options.store.writeNow(events)
    const ids = rows.map((r) => sql`${num(r.id)}`)
    await this.options.sql.run(sql`delete from trilog_outbox where id in (${sql.join(ids, sql`, `)})`)
    this.options.metrics.historyRelayed.inc(events.length)
    return rows.length
  }
}
