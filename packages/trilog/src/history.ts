import type { Json, JsonObject, PatchOp, TimelineEntry } from '@nexus/protocol'
import type { EventRow, SpanRow, StoredSpan } from './events.ts'
import { jsonDiff, pointersOverlap } from './jsonDiff.ts'
import { EVENTS_TABLE, SPANS_TABLE, quote, uint } from './sql.ts'
import { objectWhere, type TrilogStore } from './TrilogStore.ts'

export interface TimelinePage {
  entries: TimelineEntry[]
  /** Pass as `offset` for the next page; absent on the last page. */
  nextOffset?: number
}

export interface TimelineOptions {
  from?: number
  to?: number
  offset?: number
  limit?: number
  /** The newest `last` events instead of a page from `offset` (still oldest first). */
  last?: number
}

/** The object's events between `from` and `to` (ms, inclusive), oldest first, a page at a time. */
export async function timeline(
  store: TrilogStore,
  objType: string,
  objId: string,
  options: TimelineOptions = {},
): Promise<TimelinePage> {
  await store.flush()
  const { from = 0, to = Number.MAX_SAFE_INTEGER, last } = options
  const where = `${objectWhere(objType, objId)} AND ts >= ${uint(from)} AND ts <= ${uint(to)}`
  let { offset = 0, limit = 100 } = options
  if (last !== undefined) {
    const [counted] = await store.select<{ n: string | number }>(
      `SELECT count() AS n FROM ${EVENTS_TABLE} WHERE ${where}`,
    )
    limit = last
    offset = Math.max(0, Number(counted?.n ?? 0) - last)
  }
  const rows = await store.eventRows(where, { offset, count: limit + 1 })
  const entries = rows.slice(0, limit).map(toEntry)
  return rows.length > limit ? { entries, nextOffset: offset + limit } : { entries }
}

function toEntry(row: EventRow): TimelineEntry {
  const attrs = JSON.parse(row.attrs) as Json
  return { ts: row.ts, seq: row.seq, kind: row.kind, traceId: row.trace_id, summary: summarize(row.kind, attrs), attrs }
}

/** A short description of an event for timelines. */
export function summarize(kind: string, attrs: Json): string {
  const a = (attrs !== null && typeof attrs === 'object' && !Array.isArray(attrs) ? attrs : {}) as JsonObject
  const tool = typeof a.tool === 'string' ? `${a.tool}: ` : ''
  if (kind === 'state_change' && Array.isArray(a.ops)) {
    const ops = (a.ops as PatchOp[]).map((op) => `${op.op} ${op.path}`)
    return `${tool}${ops.slice(0, 3).join(', ')}${ops.length > 3 ? ` (+${ops.length - 3} more)` : ''}`
  }
  if (kind === 'snapshot') return 'snapshot'
  if (kind === 'trigger_failed') {
    const error = a.error as JsonObject | undefined
    return `${tool}failed${error && typeof error.code === 'string' ? ` (${error.code})` : ''}`
  }
  return `${tool}${kind}`
}

/** RFC 6902 ops that turn the object's state at `t1` into its state at `t2`. */
export async function diffStates(
  store: TrilogStore,
  objType: string,
  objId: string,
  t1: number,
  t2: number,
): Promise<PatchOp[]> {
  const [a, b] = [await store.stateAt(objType, objId, t1), await store.stateAt(objType, objId, t2)]
  return jsonDiff(a ?? null, b ?? null)
}

/** A change that touched a state path, with who and what caused it. */
export interface ChangeAttribution {
  ts: number
  seq: number
  traceId: string
  actor: string | undefined
  tool: string | undefined
  /** The ops of the change that touched the path (or its ancestors/descendants). */
  ops: PatchOp[]
}

/** "Who changed this": the state changes whose ops touched `pointer`, an ancestor or a descendant of it. */
export async function whoChanged(
  store: TrilogStore,
  objType: string,
  objId: string,
  pointer: string,
  options: { from?: number; to?: number } = {},
): Promise<ChangeAttribution[]> {
  await store.flush()
  const { from = 0, to = Number.MAX_SAFE_INTEGER } = options
  const rows = await store.eventRows(
    `${objectWhere(objType, objId)} AND kind = 'state_change' AND ts >= ${uint(from)} AND ts <= ${uint(to)}`,
  )
  const found: ChangeAttribution[] = []
  for (const row of rows) {
    const attrs = JSON.parse(row.attrs) as { ops?: PatchOp[]; actor?: Json; tool?: Json }
    const ops = (attrs.ops ?? []).filter(
      (op) => pointersOverlap(op.path, pointer) || ('from' in op && pointersOverlap(op.from, pointer)),
    )
    if (ops.length === 0) continue
    found.push({
      ts: row.ts,
      seq: row.seq,
      traceId: row.trace_id,
      actor: typeof attrs.actor === 'string' ? attrs.actor : undefined,
      tool: typeof attrs.tool === 'string' ? attrs.tool : undefined,
      ops,
    })
  }
  return found
}

export interface SpanQuery {
  traceId?: string
  name?: string
  from?: number
  to?: number
  limit?: number
}

/** Stored spans matching `query`, by start time. */
export async function findSpans(store: TrilogStore, query: SpanQuery = {}): Promise<StoredSpan[]> {
  const where = ['1 = 1']
  if (query.traceId !== undefined) where.push(`trace_id = ${quote(query.traceId.toLowerCase())}`)
  if (query.name !== undefined) where.push(`name = ${quote(query.name)}`)
  if (query.from !== undefined) where.push(`start_ts >= ${uint(query.from)}`)
  if (query.to !== undefined) where.push(`start_ts <= ${uint(query.to)}`)
  const rows = await store.select<SpanRow>(
    `SELECT * FROM ${SPANS_TABLE} WHERE ${where.join(' AND ')} ORDER BY start_ts, span_id LIMIT ${uint(query.limit ?? 10_000)}`,
  )
  return rows.map(toStoredSpan)
}

/** The process (trace) view: every span of `traceId`. */
export function processSpans(store: TrilogStore, traceId: string): Promise<StoredSpan[]> {
  return findSpans(store, { traceId })
}

/** The last state change of the object at or before `at`, and the spans of the process that caused it. */
export async function causeOf(
  store: TrilogStore,
  objType: string,
  objId: string,
  at: number,
): Promise<{ change: TimelineEntry; spans: StoredSpan[] } | undefined> {
  await store.flush()
  const [latest] = await store.select<EventRow>(
    `SELECT obj_type, obj_id, ts, seq, kind, trace_id, attrs FROM ${EVENTS_TABLE}
      WHERE ${objectWhere(objType, objId)} AND kind = 'state_change' AND ts <= ${uint(at)} ORDER BY ts DESC, seq DESC LIMIT 1`,
  )
  const last = latest && { ...latest, ts: Number(latest.ts), seq: Number(latest.seq) }
  if (!last) return undefined
  return { change: toEntry(last), spans: last.trace_id ? await processSpans(store, last.trace_id) : [] }
}

export function toStoredSpan(r: SpanRow): StoredSpan {
  return {
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    name: r.name,
    kind: Number(r.kind),
    startTs: Number(r.start_ts),
    endTs: Number(r.end_ts),
    durationUs: Number(r.duration_us),
    statusCode: Number(r.status_code),
    statusMessage: r.status_message,
    service: r.service,
    scope: r.scope,
    objType: r.obj_type,
    objId: r.obj_id,
    attrs: JSON.parse(r.attrs) as JsonObject,
    events: JSON.parse(r.events) as Json[],
    links: JSON.parse(r.links) as Json[],
    resource: JSON.parse(r.resource) as JsonObject,
  }
}
