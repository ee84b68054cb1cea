import type { Json } from '@nexus/protocol'

/** What happened to an object. `snapshot` carries the full state; `state_change` carries RFC 6902 ops. */
export type TrilogEventKind = 'snapshot' | 'state_change' | 'trigger' | 'trigger_failed'

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
