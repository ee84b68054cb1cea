import type { Json, JsonObject } from '@nexus/protocol'

/** What happened to an object. `snapshot` carries the full state; `state_change` carries RFC 6902 ops. */
export type TrilogEventKind = 'snapshot' | 'state_change' | 'trigger' | 'trigger_failed' | (string & {})

/**
 * Event kinds only the kernel records, never an OTLP sender: history rebuilds state from `snapshot` and
 * `state_change`, replay reads `handler_run`, anomalies count `trigger_failed`, and the rest are the
 * kernel's audit trail (the events of `nexusRegistry()` and what `PanelService`/`Kernel` record). `trigger`,
 * `subscribed`, `commit` and `ai_*` are not recorded (yet) but stay reserved, so no sender can forge them.
 */
export const KERNEL_EVENT_KINDS: ReadonlySet<string> = new Set([
  'snapshot',
  'state_change',
  'trigger',
  'trigger_failed',
  'handler_run',
  'created',
  'nxml_edit',
  'nog_update',
  'nog_change',
  'login',
  'logout',
  'login_failed',
  'member_added',
  'commit',
  'connected',
  'subscribed',
  'disconnected',
  'ai_proposal',
  'ai_decision',
])

/** Span names of the kernel's own processes (anomaly baselines read `PanelExecution`); OTLP senders may not use them. */
export const KERNEL_SPAN_NAMES: ReadonlySet<string> = new Set([
  'PanelExecution',
  'UserAuthentication',
  'NOGUpdate',
  'AIEdit',
])

/** One TriLog event, anchored to an object (`objType`, `objId`) at a moment (`ts`, ms since epoch). */
export interface TrilogEvent {
  objType: string
  objId: string
  ts: number
  /** Orders events of one object within the same millisecond: the object's version after the event. */
  seq: number
  kind: TrilogEventKind
  traceId?: string
  attrs: Json
}

/**
 * What a `state_change` keeps so the kernel can re-execute it later: the tool and its inputs (args, seed,
 * injected clock), the resulting ops and the state version (also `seq`), plus who and which trace.
 */
export interface StateChangeAttrs {
  ops: Json[]
  tool?: string
  args?: Json
  seed?: number
  now?: number
  version?: number
  actor?: string
  durationMs?: number
  [key: string]: Json | undefined
}

/** A row as stored: attributes as a JSON string so the same SQL runs on old and new ClickHouse. */
export interface EventRow {
  obj_type: string
  obj_id: string
  ts: number
  seq: number
  kind: string
  trace_id: string
  attrs: string
}

export interface SnapshotRow {
  obj_type: string
  obj_id: string
  ts: number
  seq: number
  /** State changes folded in since the previous snapshot. */
  changes: number
  state: string
}

/** One span (a process step), from the SDK or OTLP. Times in ms; `duration_us` keeps sub-ms precision. */
export interface SpanRow {
  trace_id: string
  span_id: string
  parent_span_id: string
  name: string
  kind: number
  start_ts: number
  end_ts: number
  duration_us: number
  /** OTLP status: 0 unset, 1 ok, 2 error. */
  status_code: number
  status_message: string
  service: string
  scope: string
  obj_type: string
  obj_id: string
  attrs: string
  events: string
  links: string
  resource: string
}

export interface LogRow {
  ts: number
  observed_ts: number
  trace_id: string
  span_id: string
  severity_number: number
  severity_text: string
  event_name: string
  body: string
  service: string
  scope: string
  attrs: string
  resource: string
}

export interface MetricRow {
  name: string
  type: string
  unit: string
  ts: number
  start_ts: number
  service: string
  scope: string
  /** The data point without its attributes (value, buckets, …) as JSON. */
  point: string
  attrs: string
  resource: string
}

/** A span as read back, attributes parsed. */
export interface StoredSpan {
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  kind: number
  startTs: number
  endTs: number
  durationUs: number
  statusCode: number
  statusMessage: string
  service: string
  scope: string
  objType: string
  objId: string
  attrs: JsonObject
  events: Json[]
  links: Json[]
  resource: JsonObject
}

export interface StoredLog {
  ts: number
  observedTs: number
  traceId: string
  spanId: string
  severityNumber: number
  severityText: string
  eventName: string
  body: Json
  service: string
  scope: string
  attrs: JsonObject
  resource: JsonObject
}

export interface StoredMetric {
  name: string
  type: string
  unit: string
  ts: number
  startTs: number
  service: string
  scope: string
  point: JsonObject
  attrs: JsonObject
  resource: JsonObject
}

export function toRow(event: TrilogEvent): EventRow {
  return {
    obj_type: event.objType,
    obj_id: event.objId,
    ts: event.ts,
    seq: event.seq,
    kind: event.kind,
    trace_id: event.traceId ?? '',
    attrs: JSON.stringify(event.attrs),
  }
}
