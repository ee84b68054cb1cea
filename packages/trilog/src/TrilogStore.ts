import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { Readable } from 'node:stream'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { createChdbConnection, type ChdbConnection } from 'chdb/connection'
import type { JsonObject } from '@nexus/protocol'
import { TrilogError } from './errors.ts'
import {
  toRow,
  type EventRow,
  type LogRow,
  type MetricRow,
  type SnapshotRow,
  type SpanRow,
  type TrilogEvent,
} from './events.ts'
import { migrate } from './migrate.ts'
import { replay, type ReplayResult } from './reconstruct.ts'
import { SnapshotTracker, type PendingEvent } from './snapshots.ts'
import {
  EVENTS_TABLE,
  LOGS_TABLE,
  METRICS_TABLE,
  RETAINED_TABLES,
  SNAPSHOTS_TABLE,
  SPANS_TABLE,
  quote,
  uint,
} from './sql.ts'
import {
  EVENT_COLUMNS,
  LOG_COLUMNS,
  METRIC_COLUMNS,
  SNAPSHOT_COLUMNS,
  SPAN_COLUMNS,
  toTsv,
  type Columns,
} from './tsv.ts'

export interface TrilogStoreOptions {
  /** Directory for embedded chDB; used when `url` is absent. */
  dataDir?: string
  /** A ClickHouse server over HTTP, e.g. `http://127.0.0.1:8123`. */
  url?: string
  /** Events buffered before a write is forced. */
  batchSize?: number
  /** Longest an event waits in the buffer, ms. */
  flushIntervalMs?: number
  /** Events held in memory (buffered or being written) before new ones are dropped and counted. */
  maxBufferedEvents?: number
  /** A snapshot is written after this many state changes of one object; 0 turns automatic snapshots off. */
  snapshotEvery?: number
  /** Objects whose latest state the writer keeps in memory for snapshots. */
  maxTrackedObjects?: number
  /** Data older than this (ms) is deleted by `applyRetention()`, run every `retentionIntervalMs`. */
  retentionMs?: number
  retentionIntervalMs?: number
  /** The clock retention uses (ms since epoch). */
  clock?: () => number
}

export interface StateAtOptions {
  /** Start from the nearest stored snapshot (default) or replay every event from the first one. */
  useSnapshots?: boolean
}

// libchdb binds one data directory per process; remember it so a second one fails with a clear message.
let chdbPathInUse: string | undefined

type Quoted<T> = { [K in keyof T]: T[K] extends number ? number | string : T[K] }

/**
 * TriLog's ClickHouse store: buffers events off the request path, snapshots objects as they change and
 * answers "object X at time T". Embedded chDB by default, a ClickHouse server when `url` is given.
 */
export class TrilogStore {
  private buffer: PendingEvent[] = []
  private inflight = 0
  private timer: NodeJS.Timeout | undefined
  private retentionTimer: NodeJS.Timeout | undefined
  private writing: Promise<void> = Promise.resolve()
  private closed = false
  private readonly tracker: SnapshotTracker
  /** Durable sources (the kernel's outbox) drained before every flush, so a read sees what they hold. */
  private readonly feeders = new Set<() => Promise<void>>()
  /** Events lost because the store refused a write or the buffer was full. */
  dropped = 0
  lastError: Error | undefined

  private constructor(
    readonly client: ClickHouseClient,
    /** chDB's raw insert (the payload goes to the engine's parser as bytes); absent on a server. */
    private readonly rawInsert: RawInsert | undefined,
    private readonly options: Required<Omit<TrilogStoreOptions, 'dataDir' | 'url' | 'retentionMs'>> &
      Pick<TrilogStoreOptions, 'retentionMs'>,
    readonly backend: 'chdb' | 'clickhouse',
  ) {
    this.tracker = new SnapshotTracker(options.snapshotEvery, options.maxTrackedObjects)
  }

  static async open(options: TrilogStoreOptions): Promise<TrilogStore> {
    const connection = options.url ? undefined : chdbConnection(options)
    const client = connection
      ? createClient({ connection: connection as ClientConnection })
      : createClient({ url: options.url })
    const store = new TrilogStore(
      client,
      connection ? (params) => connection.chdb.rawInsert(params) : undefined,
      {
        batchSize: options.batchSize ?? 1000,
        flushIntervalMs: options.flushIntervalMs ?? 200,
        maxBufferedEvents: options.maxBufferedEvents ?? 100_000,
        snapshotEvery: options.snapshotEvery ?? 100,
        maxTrackedObjects: options.maxTrackedObjects ?? 10_000,
        retentionMs: options.retentionMs,
        retentionIntervalMs: options.retentionIntervalMs ?? 3_600_000,
        clock: options.clock ?? Date.now,
      },
      options.url ? 'clickhouse' : 'chdb',
    )
    try {
      await migrate(client)
    } catch (cause) {
      throw new TrilogError('TRILOG_UNAVAILABLE', `TriLog could not prepare its tables: ${(cause as Error).message}`, {
        cause,
      })
    }
    if (options.retentionMs !== undefined) {
      store.retentionTimer = setInterval(() => {
        store.applyRetention().catch((error: unknown) => (store.lastError = error as Error))
      }, store.options.retentionIntervalMs)
      store.retentionTimer.unref()
    }
    return store
  }

  /** Events buffered or being written. */
  get pending(): number {
    return this.buffer.length + this.inflight
  }

  /** Queues events without blocking; they reach the store within `flushIntervalMs` or when the batch fills. */
  record(events: readonly TrilogEvent[]): void {
    if (this.closed) return
    if (this.pending + events.length > this.options.maxBufferedEvents) {
      this.dropped += events.length
      return
    }
    for (const e of events) this.buffer.push(pending(e))
    if (this.buffer.length >= this.options.batchSize) this.flushInBackground()
    else this.timer ??= setTimeout(() => this.flushInBackground(), this.options.flushIntervalMs)
  }

  /**
   * Writes events now, in order with buffered ones; resolves once they are stored. A refusal rejects and
   * counts nothing as dropped: the caller still holds the events (a durable outbox) and retries.
   */
  async writeNow(events: readonly TrilogEvent[]): Promise<void> {
    const batch = events.map(pending)
    const write = this.writing.then(() => this.write(batch))
    this.writing = write.catch((error: unknown) => {
      this.lastError = error as Error
      this.tracker.reset()
    })
    return write
  }

  /**
   * The events not stored yet: those without a stored event of the same object, kind, `ts` and `seq`. An
   * outbox re-sending what a crash left uses it so no event is stored (and no change applied) twice.
   */
  async unstored(events: readonly TrilogEvent[]): Promise<TrilogEvent[]> {
    if (events.length === 0) return []
    const key = (e: { obj_type: string; obj_id: string; kind: string; ts: number | string; seq: number | string }) =>
      `${e.obj_type}\u0000${e.obj_id}\u0000${e.kind}\u0000${e.ts}\u0000${e.seq}`
    const tuples = events.map(
      (e) => `(${quote(e.objType)}, ${quote(e.objId)}, ${quote(e.kind)}, ${uint(e.ts)}, ${uint(e.seq)})`,
    )
    const stored = await this.select<{ obj_type: string; obj_id: string; kind: string; ts: string; seq: string }>(
      `SELECT obj_type, obj_id, kind, ts, seq FROM ${EVENTS_TABLE}
        WHERE (obj_type, obj_id, kind, ts, seq) IN (${tuples.join(', ')})`,
    )
    const have = new Set(stored.map(key))
    return events.filter((e) => !have.has(key(toRow(e))))
  }

  /**
   * Registers a durable source whose pending events every `flush` (and so every read) waits for; `drain`
   * must settle without throwing. Returns the function that removes it.
   */
  feedFrom(drain: () => Promise<void>): () => void {
    this.feeders.add(drain)
    return () => this.feeders.delete(drain)
  }

  private flushInBackground(): void {
    this.flush().catch(() => undefined) // counted in `dropped`
  }

  /** Writes everything buffered so far; resolves when it is stored. */
  async flush(): Promise<void> {
    for (const drain of this.feeders) await drain().catch(() => undefined) // a source reports its own failures
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const batch = this.buffer
    this.buffer = []
    this.inflight += batch.length
    const write = this.writing.then(async () => {
      try {
        if (batch.length > 0) await this.write(batch)
      } finally {
        this.inflight -= batch.length
      }
    })
    // The chain stays usable after a failed write; the failure is counted and reported to this caller.
    this.writing = write.catch((error: unknown) => {
      this.dropped += batch.length
      this.lastError = error as Error
      this.tracker.reset()
    })
    return write
  }

  private async write(batch: PendingEvent[]): Promise<void> {
    let snapshots: SnapshotRow[] = []
    if (this.options.snapshotEvery > 0) {
      // Before the insert, so a reload of a forgotten object sees only what was stored before this batch.
      snapshots = await this.tracker.plan(batch, (type, id) =>
        this.reconstruct(type, id, Number.MAX_SAFE_INTEGER, true),
      )
    }
    const rows: EventRow[] = batch.map((e) => ({
      obj_type: e.objType,
      obj_id: e.objId,
      ts: e.ts,
      seq: e.seq,
      kind: e.kind,
      trace_id: e.traceId ?? '',
      attrs: JSON.stringify(e.attrs),
    }))
    await this.insertRows(EVENTS_TABLE, EVENT_COLUMNS, rows)
    if (snapshots.length) await this.insertRows(SNAPSHOTS_TABLE, SNAPSHOT_COLUMNS, snapshots)
  }

  /** Writes spans now (not buffered); rejects when the store refuses them. */
  async insertSpans(rows: readonly SpanRow[]): Promise<void> {
    await this.insertRows(SPANS_TABLE, SPAN_COLUMNS, rows)
  }

  async insertLogs(rows: readonly LogRow[]): Promise<void> {
    await this.insertRows(LOGS_TABLE, LOG_COLUMNS, rows)
  }

  async insertMetrics(rows: readonly MetricRow[]): Promise<void> {
    await this.insertRows(METRICS_TABLE, METRIC_COLUMNS, rows)
  }

  /**
   * Inserts rows as TabSeparated text: on chDB straight into the engine's parser (`rawInsert`, no SQL string
   * built around the data), on a server through `@clickhouse/client` over HTTP (18.16 reads it too).
   */
  private async insertRows<R extends object>(table: string, columns: Columns<R>, rows: readonly R[]): Promise<void> {
    if (rows.length === 0) return
    const text = toTsv(rows, columns)
    if (this.rawInsert) {
      await this.rawInsert({ table, columns, values: Buffer.from(text), format: 'TabSeparated' })
      return
    }
    await this.client.insert({
      table,
      columns: [...columns],
      values: Readable.from([text], { objectMode: false }),
      format: 'TabSeparated',
    })
  }

  /** Runs a read query and returns its rows (`JSONEachRow`: 64-bit integers arrive as strings). */
  async select<T>(sql: string): Promise<T[]> {
    try {
      const result = await this.client.query({ query: sql, format: 'JSONEachRow' })
      return await result.json<T>()
    } catch (cause) {
      throw new TrilogError('TRILOG_QUERY_FAILED', `TriLog query failed: ${(cause as Error).message}`, { cause })
    }
  }

  /** The events of one object up to and including `at` (ms), oldest first. */
  async events(objType: string, objId: string, at = Number.MAX_SAFE_INTEGER): Promise<EventRow[]> {
    await this.flush()
    return this.eventRows(`${objectWhere(objType, objId)} AND ts <= ${uint(at)}`)
  }

  /**
   * Event rows matching `where`, in (ts, seq) order; at a tie the state event (snapshot, state_change) comes
   * before what annotates it (`created`, `handler_run`), which may have been written in another insert.
   */
  async eventRows(where: string, limit?: { offset: number; count: number }): Promise<EventRow[]> {
    const rows = await this.select<Quoted<EventRow>>(
      `SELECT obj_type, obj_id, ts, seq, kind, trace_id, attrs FROM ${EVENTS_TABLE} WHERE ${where}
        ORDER BY ts, seq, kind NOT IN ('snapshot', 'state_change')${limit ? ` LIMIT ${uint(limit.offset)}, ${uint(limit.count)}` : ''}`,
    )
    return rows.map((r) => ({ ...r, ts: Number(r.ts), seq: Number(r.seq) }))
  }

  /** The object's state as it was at `at` (ms), or `undefined` if it did not exist yet. */
  async stateAt(
    objType: string,
    objId: string,
    at: number,
    options: StateAtOptions = {},
  ): Promise<JsonObject | undefined> {
    return (await this.replayAt(objType, objId, at, options)).state
  }

  /** `stateAt` with the replay's account: how many changes it applied and which events it had to skip. */
  async replayAt(objType: string, objId: string, at: number, options: StateAtOptions = {}): Promise<ReplayResult> {
    await this.flush()
    return this.reconstruct(objType, objId, at, options.useSnapshots ?? true)
  }

  /** Nearest snapshot at or before `at`, then the state events after it up to `at`. */
  private async reconstruct(objType: string, objId: string, at: number, useSnapshots: boolean): Promise<ReplayResult> {
    const where = `${objectWhere(objType, objId)} AND ts <= ${uint(at)}`
    let after = ''
    let base: JsonObject | undefined
    if (useSnapshots) {
      const [snapshot] = await this.select<{ ts: string; seq: string; state: string }>(
        `SELECT ts, seq, state FROM ${SNAPSHOTS_TABLE} WHERE ${where} ORDER BY ts DESC, seq DESC LIMIT 1`,
      )
      if (snapshot) {
        base = JSON.parse(snapshot.state) as JsonObject
        after = ` AND (ts > ${snapshot.ts} OR (ts = ${snapshot.ts} AND seq > ${snapshot.seq}))`
      }
    }
    const rows = await this.eventRows(`${where}${after} AND kind IN ('snapshot', 'state_change')`)
    return replay(rows, { state: base })
  }

  /**
   * Deletes data older than `retentionMs` with `ALTER TABLE … DELETE` mutations (ClickHouse 18.16 has no
   * table TTL). Each object's state at the cutoff is kept as a snapshot first, so `stateAt` stays right for
   * every moment after the cutoff; history before it is gone. Returns the cutoff used.
   */
  async applyRetention(now = this.options.clock()): Promise<number | undefined> {
    if (this.options.retentionMs === undefined) return undefined
    await this.flush()
    const cutoff = Math.max(0, now - this.options.retentionMs)
    const old = await this.select<{ obj_type: string; obj_id: string; last_seq: string }>(
      `SELECT obj_type, obj_id, max(seq) AS last_seq FROM (
         SELECT obj_type, obj_id, seq FROM ${EVENTS_TABLE} WHERE ts < ${uint(cutoff)}
         UNION ALL SELECT obj_type, obj_id, seq FROM ${SNAPSHOTS_TABLE} WHERE ts < ${uint(cutoff)}
       ) GROUP BY obj_type, obj_id`,
    )
    const carried: SnapshotRow[] = []
    for (const o of old) {
      const { state } = await this.reconstruct(o.obj_type, o.obj_id, Math.max(0, cutoff - 1), true)
      if (state) {
        carried.push({
          obj_type: o.obj_type,
          obj_id: o.obj_id,
          ts: cutoff,
          seq: Number(o.last_seq),
          changes: 0,
          state: JSON.stringify(state),
        })
      }
    }
    if (carried.length) await this.insertRows(SNAPSHOTS_TABLE, SNAPSHOT_COLUMNS, carried)
    for (const { table, column } of RETAINED_TABLES) {
      await this.client.command({ query: `ALTER TABLE ${table} DELETE WHERE ${column} < ${uint(cutoff)}` })
    }
    return cutoff
  }

  /** Resolves once no TriLog mutation (retention delete) is still running. */
  async waitForMutations(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    const tables = RETAINED_TABLES.map((t) => quote(t.table)).join(', ')
    for (;;) {
      const [row] = await this.select<{ n: string }>(
        `SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND table IN (${tables}) AND is_done = 0`,
      )
      if (Number(row?.n ?? 0) === 0) return
      if (Date.now() > deadline)
        throw new TrilogError('TRILOG_QUERY_FAILED', `TriLog mutations still running after ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    if (this.retentionTimer) clearInterval(this.retentionTimer)
    await this.flush().catch(() => undefined)
    this.closed = true
    await this.client.close()
  }
}

function pending(e: TrilogEvent): PendingEvent {
  return { objType: e.objType, objId: e.objId, ts: e.ts, seq: e.seq, kind: e.kind, traceId: e.traceId, attrs: e.attrs }
}

/** `WHERE` clause for one object. */
export function objectWhere(objType: string, objId: string): string {
  return `obj_type = ${quote(objType)} AND obj_id = ${quote(objId)}`
}

function chdbConnection(options: TrilogStoreOptions) {
  const path = resolve(options.dataDir ?? './data/trilog')
  if (chdbPathInUse && chdbPathInUse !== path) {
    throw new TrilogError(
      'TRILOG_DATA_DIR_IN_USE',
      `chDB in this process already uses ${chdbPathInUse}; one process can hold one TriLog directory. ` +
        `Use the same NEXUS_DATA_DIR or set CLICKHOUSE_URL.`,
    )
  }
  mkdirSync(path, { recursive: true })
  chdbPathInUse = path
  return createChdbConnection({ path })
}

// chdb types against its own copy of @clickhouse/client-common; the runtime contract is the same.
type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>
type RawInsert = ChdbConnection['chdb']['rawInsert']
