import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import type { JsonObject } from '@nexus/protocol'
import { TrilogError } from './errors.ts'
import { toRow, type EventRow, type TrilogEvent } from './events.ts'
import { replayState } from './reconstruct.ts'
import { EVENTS_TABLE, MIGRATIONS, quote, uint } from './sql.ts'

export interface TrilogStoreOptions {
  /** Directory for embedded chDB; used when `url` is absent. */
  dataDir?: string
  /** A ClickHouse server over HTTP, e.g. `http://127.0.0.1:8123`. */
  url?: string
  /** Events buffered before a write is forced. */
  batchSize?: number
  /** Longest an event waits in the buffer, ms. */
  flushIntervalMs?: number
}

// libchdb binds one data directory per process; remember it so a second one fails with a clear message.
let chdbPathInUse: string | undefined

/**
 * TriLog's ClickHouse store: buffers events off the request path and answers "object X at time T".
 * Embedded chDB by default, a ClickHouse server when `url` is given.
 */
export class TrilogStore {
  private buffer: EventRow[] = []
  private timer: NodeJS.Timeout | undefined
  private writing: Promise<void> = Promise.resolve()
  private closed = false
  /** Events lost because the store refused a write. */
  dropped = 0
  lastError: Error | undefined

  private constructor(
    private readonly client: ClickHouseClient,
    private readonly batchSize: number,
    private readonly flushIntervalMs: number,
    readonly backend: 'chdb' | 'clickhouse',
  ) {}

  static async open(options: TrilogStoreOptions): Promise<TrilogStore> {
    const client = options.url
      ? createClient({ url: options.url })
      : createClient({ connection: chdbConnection(options) })
    const store = new TrilogStore(
      client,
      options.batchSize ?? 1000,
      options.flushIntervalMs ?? 200,
      options.url ? 'clickhouse' : 'chdb',
    )
    try {
      for (const sql of MIGRATIONS) await client.command({ query: sql })
    } catch (cause) {
      throw new TrilogError('TRILOG_UNAVAILABLE', `TriLog could not prepare its tables: ${(cause as Error).message}`, {
        cause,
      })
    }
    return store
  }

  /** Queues events; they reach the store within `flushIntervalMs` or when the batch fills. */
  record(events: readonly TrilogEvent[]): void {
    if (this.closed) return
    for (const event of events) this.buffer.push(toRow(event))
    if (this.buffer.length >= this.batchSize) this.flushInBackground()
    else this.timer ??= setTimeout(() => this.flushInBackground(), this.flushIntervalMs)
  }

  private flushInBackground(): void {
    this.flush().catch(() => undefined) // counted in `dropped`
  }

  /** Writes everything buffered so far; resolves when it is stored. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const rows = this.buffer
    this.buffer = []
    const write = this.writing.then(async () => {
      if (rows.length === 0) return
      await this.client.insert({ table: EVENTS_TABLE, values: rows, format: 'JSONEachRow' })
    })
    // The chain stays usable after a failed write; the failure is counted and reported to this caller.
    this.writing = write.catch((error: unknown) => {
      this.dropped += rows.length
      this.lastError = error as Error
    })
    return write
  }

  /** The events of one object up to and including `at` (ms), oldest first. */
  async events(objType: string, objId: string, at = Number.MAX_SAFE_INTEGER): Promise<EventRow[]> {
    await this.flush()
    const result = await this.client.query({
      query: `SELECT obj_type, obj_id, ts, seq, kind, trace_id, attrs
        FROM ${EVENTS_TABLE}
        WHERE obj_type = ${quote(objType)} AND obj_id = ${quote(objId)} AND ts <= ${uint(at)}
        ORDER BY ts, seq`,
      format: 'JSONEachRow',
    })
    // UInt64 arrives as a JSON string (quoted 64-bit integers) on every ClickHouse version.
    const rows = await result.json<Omit<EventRow, 'ts' | 'seq'> & { ts: string | number; seq: string | number }>()
    return rows.map((r) => ({ ...r, ts: Number(r.ts), seq: Number(r.seq) }))
  }

  /** The object's state as it was at `at` (ms), or `undefined` if it did not exist yet. */
  async stateAt(objType: string, objId: string, at: number): Promise<JsonObject | undefined> {
    return replayState(await this.events(objType, objId, at))
  }

  async close(): Promise<void> {
    if (this.closed) return
    await this.flush()
    this.closed = true
    await this.client.close()
  }
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
  // chdb types against its own copy of @clickhouse/client-common; the runtime contract is the same.
  return createChdbConnection({ path }) as unknown as ClientConnection
}

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>
