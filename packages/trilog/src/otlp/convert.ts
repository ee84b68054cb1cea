import type { Json, JsonObject } from '@nexus/protocol'
import type { LogRow, MetricRow, SpanRow, TrilogEvent } from '../events.ts'
import type { AnyValue, KeyValue, MetricsRequest } from './schema.ts'

/** Attribute keys that anchor a span or log record to a TriLog object. */
export const OBJ_TYPE_ATTR = 'trilog.obj_type'
export const OBJ_ID_ATTR = 'trilog.obj_id'
export const KIND_ATTR = 'trilog.kind'
export const SEQ_ATTR = 'trilog.seq'

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
}
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 }

/** An OTLP AnyValue as plain JSON: ints as numbers when exact (else strings), bytes as base64, maps as objects. */
export function fromAnyValue(value: AnyValue | undefined): Json {
  if (!value) return null
  if (value.stringValue !== undefined) return value.stringValue
  if (value.boolValue !== undefined) return value.boolValue
  if (value.intValue !== undefined) {
    const n = Number(value.intValue)
    return Number.isSafeInteger(n) ? n : String(value.intValue)
  }
  if (value.doubleValue !== undefined) return value.doubleValue
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(fromAnyValue)
  if (value.kvlistValue) return fromAttributes(value.kvlistValue.values)
  if (value.bytesValue !== undefined) return value.bytesValue
  return null
}

/** OTLP attributes as one JSON object (a repeated key keeps its last value). */
export function fromAttributes(attributes: readonly KeyValue[] | undefined): JsonObject {
  const out: JsonObject = {}
  for (const { key, value } of attributes ?? []) out[key] = fromAnyValue(value)
  return out
}

/** A trace or span id as lowercase hex; OTLP JSON uses hex, some senders base64. Empty stays empty. */
export function normalizeId(id: string | undefined, bytes: 8 | 16): string {
  if (!id) return ''
  if (id.length === bytes * 2 && /^[0-9a-f]+$/i.test(id)) return id.toLowerCase()
  const decoded = Buffer.from(id, 'base64')
  if (decoded.length === bytes) return decoded.toString('hex')
  throw new RangeError(`"${id}" is not a ${bytes}-byte id in hex or base64`)
}

/** Nanoseconds (string or number) to whole milliseconds and the remainder in microseconds precision. */
export function nanosToMs(nanos: string | number | undefined): number {
  if (nanos === undefined) return 0
  return Number(BigInt(nanos) / 1_000_000n)
}
function scopeName(scope: { name?: string; version?: string } | undefined): string {
  return scope?.name ? `${scope.name}${scope.version ? `@${scope.version}` : ''}` : ''
}

function text(value: Json | undefined): string {
  return typeof value === 'string' ? value : ''
}

// --- Traces and logs: shapes checked while converting (the hot ingest path: no zod, no intermediate trees).
// A malformed payload throws `OtlpShapeError` (a RangeError) whose message starts with the JSON path. The
// path is assembled only on failure: each level catches a `Fault` and prepends its segment.
// `null` counts as absent, as the protobuf JSON mapping asks; unknown fields are ignored.

/** A payload that does not have the OTLP/HTTP JSON shape; the message starts with `At <path>: `. */
export class OtlpShapeError extends RangeError {}

/** A request with more records or anchored objects than one batch may carry (answered 413: send smaller batches). */
export class OtlpBatchTooLargeError extends Error {}

/** Records (spans, log records) one request may carry; the official exporters send 512 per batch. */
export const MAX_OTLP_RECORDS = 10_000
/** How deep attribute values (arrays, key-value lists) may nest; the converter recurses per level. */
export const MAX_VALUE_DEPTH = 16

class Fault {
  constructor(
    public path: string,
    readonly detail: string,
  ) {}
}
/** Rethrows a `Fault` with `segment` in front of its path (anything else as it is). */
function at(error: unknown, segment: string): never {
  if (error instanceof Fault) error.path = segment + error.path
  throw error
}
function shapeError(error: unknown): never {
  if (!(error instanceof Fault)) throw error
  throw new OtlpShapeError(`At ${error.path.replace(/^\./, '') || '(root)'}: ${error.detail}`)
}

type Obj = Record<string, unknown>

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
}
function object(value: unknown, segment: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Fault(segment, `expected an object, got ${describe(value)}`)
  return value as Obj
}
function optObject(value: unknown, segment: string): Obj | undefined {
  return value === undefined || value === null ? undefined : object(value, segment)
}
const NONE: readonly unknown[] = []
function optArray(value: unknown, segment: string): readonly unknown[] {
  if (value === undefined || value === null) return NONE
  if (!Array.isArray(value)) throw new Fault(segment, `expected an array, got ${describe(value)}`)
  return value
}
function str(value: unknown, segment: string): string {
  if (typeof value !== 'string') throw new Fault(segment, `expected a string, got ${describe(value)}`)
  return value
}
function optStr(value: unknown, segment: string): string {
  return value === undefined || value === null ? '' : str(value, segment)
}
const INT = /^-?\d+$/
const UINT = /^\d+$/
/** An int64 (string or integer number) as JSON: a number when exact, else the digits as a string. */
function int64Json(value: unknown, segment: string): string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Fault(segment, `expected an integer, got ${value}`)
    return String(value)
  }
  if (typeof value !== 'string' || !INT.test(value))
    throw new Fault(
      segment,
      `expected an integer, got ${typeof value === 'string' ? JSON.stringify(value) : describe(value)}`,
    )
  const n = Number(value)
  return Number.isSafeInteger(n) ? String(n) : JSON.stringify(value)
}
/** A fixed64 nanosecond time in whole microseconds (absent: 0); `nanosRest` gets the nanoseconds left over. */
let nanosRest = 0
function micros(value: unknown, segment: string): number {
  nanosRest = 0
  if (value === undefined || value === null) return 0
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new Fault(segment, `expected a non-negative integer, got ${value}`)
    nanosRest = value % 1000
    return Math.floor(value / 1000)
  }
  if (typeof value !== 'string' || !UINT.test(value))
    throw new Fault(segment, `expected a non-negative integer (string or number), got ${describe(value)}`)
  const cut = value.length - 3
  if (cut <= 0) return ((nanosRest = Number(value)), 0)
  nanosRest = Number(value.slice(cut))
  return Number(value.slice(0, cut))
}
function enumOf(value: unknown, names: Record<string, number>, segment: string): number {
  if (value === undefined || value === null) return 0
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string') return names[value] ?? 0
  throw new Fault(segment, `expected an enum number or name, got ${describe(value)}`)
}
/** A hex/base64 id as lowercase hex; a bad one is reported at `segment`, empty when optional and absent. */
function id(value: unknown, bytes: 8 | 16, segment: string, optional: boolean): string {
  if ((value === undefined || value === null) && optional) return ''
  const text = str(value, segment)
  try {
    return normalizeId(text, bytes)
  } catch (error) {
    throw new Fault(segment, (error as Error).message)
  }
}

/** What an attribute list says about the anchoring object and the service, picked up while converting. */
interface Picked {
  service: string
  objType: string | undefined
  objId: string | undefined
  kind: string | undefined
  seq: number
}
const picked = (): Picked => ({ service: '', objType: undefined, objId: undefined, kind: undefined, seq: 0 })

/** An AnyValue as JSON text (the same mapping as `fromAnyValue`), at most `MAX_VALUE_DEPTH` levels deep. */
function anyValueJson(value: unknown, depth: number): string {
  if (value === undefined || value === null) return 'null'
  const v = object(value, '')
  if (depth > MAX_VALUE_DEPTH) throw new Fault('', `values nest deeper than ${MAX_VALUE_DEPTH} levels`)
  if (v.stringValue !== undefined && v.stringValue !== null) return JSON.stringify(str(v.stringValue, '.stringValue'))
  if (v.boolValue !== undefined && v.boolValue !== null) {
    if (typeof v.boolValue !== 'boolean')
      throw new Fault('.boolValue', `expected a boolean, got ${describe(v.boolValue)}`)
    return v.boolValue ? 'true' : 'false'
  }
  if (v.intValue !== undefined && v.intValue !== null) return int64Json(v.intValue, '.intValue')
  if (v.doubleValue !== undefined && v.doubleValue !== null) {
    if (typeof v.doubleValue !== 'number' && typeof v.doubleValue !== 'string')
      throw new Fault('.doubleValue', `expected a number, got ${describe(v.doubleValue)}`)
    return JSON.stringify(v.doubleValue)
  }
  if (v.arrayValue !== undefined && v.arrayValue !== null) {
    const values = optArray(object(v.arrayValue, '.arrayValue').values, '.arrayValue.values')
    let out = '['
    for (let i = 0; i < values.length; i++) {
      try {
        out += (i ? ',' : '') + anyValueJson(values[i], depth + 1)
      } catch (error) {
        at(error, `.arrayValue.values[${i}]`)
      }
    }
    return out + ']'
  }
  if (v.kvlistValue !== undefined && v.kvlistValue !== null)
    return attributesJson(object(v.kvlistValue, '.kvlistValue').values, '.kvlistValue.values', undefined, depth + 1)
  if (v.bytesValue !== undefined && v.bytesValue !== null) return JSON.stringify(str(v.bytesValue, '.bytesValue'))
  return 'null'
}

/**
 * OTLP attributes as one JSON object text (a repeated key: the last value wins when read back). Into `pick`
 * go `service.name`, `trilog.obj_type`/`obj_id`/`kind` (strings) and `trilog.seq` (a number).
 */
function attributesJson(list: unknown, segment: string, pick: Picked | undefined, depth = 0): string {
  const attributes = optArray(list, segment)
  let out = '{'
  for (let i = 0; i < attributes.length; i++) {
    try {
      const kv = object(attributes[i], '')
      const key = str(kv.key, '.key')
      let value: string
      try {
        value = anyValueJson(kv.value, depth)
      } catch (error) {
        at(error, '.value')
      }
      out += (i ? ',' : '') + JSON.stringify(key) + ':' + value
      const c = key.charCodeAt(0) // only `trilog.*` and `service.name` are picked
      if (pick && (c === 116 || c === 115)) pickAttribute(pick, key, kv.value as Obj | null | undefined, value)
    } catch (error) {
      at(error, `${segment}[${i}]`)
    }
  }
  return out + '}'
}

function pickAttribute(pick: Picked, key: string, value: Obj | null | undefined, json: string): void {
  const text = typeof value?.stringValue === 'string' ? value.stringValue : undefined
  if (key === OBJ_TYPE_ATTR) pick.objType = text
  else if (key === OBJ_ID_ATTR) pick.objId = text
  else if (key === KIND_ATTR) pick.kind = text
  else if (key === SERVICE_ATTR) pick.service = text ?? ''
  else if (key === SEQ_ATTR) {
    const n = value?.intValue != null || value?.doubleValue != null ? Number(json) : NaN
    pick.seq = Number.isFinite(n) ? n : 0
  }
}
const SERVICE_ATTR = 'service.name'

function scopeOf(value: unknown): string {
  const scope = optObject(value, '.scope')
  if (!scope) return ''
  const name = optStr(scope.name, '.scope.name')
  const version = optStr(scope.version, '.scope.version')
  optArray(scope.attributes, '.scope.attributes')
  return name ? `${name}${version ? `@${version}` : ''}` : ''
}

/** The three nested lists of an OTLP/HTTP JSON traces or logs request: resources, scopes, records. */
const SPAN_LEVELS = ['resourceSpans', 'scopeSpans', 'spans'] as const
const LOG_LEVELS = ['resourceLogs', 'scopeLogs', 'logRecords'] as const

/**
 * Walks `request[resources][i][scopes][j][records][k]` of an OTLP/HTTP JSON request, checking each level's
 * shape, and calls `visit` with every record, its resource attributes (JSON text), service name and scope.
 * Throws `OtlpShapeError` (a RangeError) with the path of the first malformed field, and
 * `OtlpBatchTooLargeError` before converting record `maxRecords + 1`.
 */
function eachRecord(
  request: unknown,
  [resources, scopes, records]: readonly [string, string, string],
  maxRecords: number,
  visit: (record: Obj, resource: string, service: string, scope: string) => void,
): void {
  let count = 0
  try {
    const resourceList = optArray(object(request, '')[resources], resources)
    for (let i = 0; i < resourceList.length; i++) {
      try {
        const rs = object(resourceList[i], '')
        const resourcePick = picked()
        const res = optObject(rs.resource, '.resource')
        const resource = attributesJson(res?.attributes, '.resource.attributes', resourcePick)
        const scopeList = optArray(rs[scopes], `.${scopes}`)
        for (let j = 0; j < scopeList.length; j++) {
          try {
            const ss = object(scopeList[j], '')
            const scope = scopeOf(ss.scope)
            const recordList = optArray(ss[records], `.${records}`)
            if ((count += recordList.length) > maxRecords)
              throw new OtlpBatchTooLargeError(
                `The request carries more than ${maxRecords} ${records === 'spans' ? 'spans' : 'log records'}; send smaller batches`,
              )
            for (let k = 0; k < recordList.length; k++) {
              try {
                visit(object(recordList[k], ''), resource, resourcePick.service, scope)
              } catch (error) {
                at(error, `.${records}[${k}]`)
              }
            }
          } catch (error) {
            at(error, `.${scopes}[${j}]`)
          }
        }
      } catch (error) {
        at(error, `${resources}[${i}]`)
      }
    }
  } catch (error) {
    shapeError(error)
  }
}

/**
 * Every span of an ExportTraceServiceRequest (parsed OTLP/HTTP JSON) as rows, checking the shape as it goes.
 * Throws `OtlpShapeError` (a RangeError) with the path of the first malformed field.
 */
export function spansFromOtlp(request: unknown, maxRecords = MAX_OTLP_RECORDS): SpanRow[] {
  const rows: SpanRow[] = []
  eachRecord(request, SPAN_LEVELS, maxRecords, (span, resource, service, scope) =>
    rows.push(spanRow(span, resource, service, scope)),
  )
  return rows
}

function spanRow(span: Obj, resource: string, service: string, scope: string): SpanRow {
  // Ids are reported at the span (`At …spans[k]: "zz" is not a 16-byte id …`).
  const traceId = id(str(span.traceId, '.traceId'), 16, '', false)
  const spanId = id(str(span.spanId, '.spanId'), 8, '', false)
  const parentSpanId = id(optStr(span.parentSpanId, '.parentSpanId'), 8, '', true)
  optStr(span.traceState, '.traceState')
  const name = str(span.name, '.name')
  const kind = enumOf(span.kind, SPAN_KINDS, '.kind')
  if (span.startTimeUnixNano === undefined || span.startTimeUnixNano === null)
    throw new Fault('.startTimeUnixNano', 'expected an integer, got undefined')
  const startUs = micros(span.startTimeUnixNano, '.startTimeUnixNano')
  const startNs = nanosRest
  const hasEnd = span.endTimeUnixNano !== undefined && span.endTimeUnixNano !== null
  const endUs = hasEnd ? micros(span.endTimeUnixNano, '.endTimeUnixNano') : startUs
  const endNs = hasEnd ? nanosRest : startNs
  const pick = picked()
  const attrs = attributesJson(span.attributes, '.attributes', pick)
  const status = optObject(span.status, '.status')
  const spanEvents = optArray(span.events, '.events')
  let events = '['
  for (let i = 0; i < spanEvents.length; i++) {
    try {
      const e = object(spanEvents[i], '')
      const ts = Math.floor(micros(e.timeUnixNano, '.timeUnixNano') / 1000)
      const name = JSON.stringify(optStr(e.name, '.name'))
      events += `${i ? ',' : ''}{"ts":${ts},"name":${name},"attrs":${attributesJson(e.attributes, '.attributes', undefined)}}`
    } catch (error) {
      at(error, `.events[${i}]`)
    }
  }
  const spanLinks = optArray(span.links, '.links')
  let links = '['
  for (let i = 0; i < spanLinks.length; i++) {
    try {
      const l = object(spanLinks[i], '')
      const linkTrace = id(l.traceId, 16, '.traceId', false)
      const linkSpan = id(l.spanId, 8, '.spanId', false)
      optStr(l.traceState, '.traceState')
      links += `${i ? ',' : ''}{"traceId":"${linkTrace}","spanId":"${linkSpan}","attrs":${attributesJson(l.attributes, '.attributes', undefined)}}`
    } catch (error) {
      at(error, `.links[${i}]`)
    }
  }
  const durationUs = endUs - startUs + Math.floor((endNs - startNs) / 1000)
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parentSpanId,
    name,
    kind,
    start_ts: Math.floor(startUs / 1000),
    end_ts: Math.floor(endUs / 1000),
    duration_us: hasEnd && durationUs > 0 ? durationUs : 0,
    status_code: status ? enumOf(status.code, STATUS_CODES, '.status.code') : 0,
    status_message: status ? optStr(status.message, '.status.message') : '',
    service,
    scope,
    obj_type: pick.objType ?? '',
    obj_id: pick.objId ?? '',
    attrs,
    events: events + ']',
    links: links + ']',
    resource,
  }
}

/** An object a record names with `trilog.obj_type` and `trilog.obj_id`. */
export interface OtlpAnchor {
  type: string
  id: string
}

/** What a logs request converts to: rows, TriLog events, and the objects its records anchor to. */
export interface OtlpLogs {
  logs: LogRow[]
  /** Records anchored with `trilog.obj_type`/`trilog.obj_id`/`trilog.kind` (body = attrs). */
  events: TrilogEvent[]
  /** One entry per anchored record (with or without a kind), in order. */
  anchors: OtlpAnchor[]
}

/** Log records as rows, plus TriLog events for records anchored with `trilog.obj_type`/`trilog.obj_id`/`trilog.kind`. */
export function logsFromOtlp(request: unknown, maxRecords = MAX_OTLP_RECORDS): OtlpLogs {
  const out: OtlpLogs = { logs: [], events: [], anchors: [] }
  eachRecord(request, LOG_LEVELS, maxRecords, (record, resource, service, scope) =>
    logRow(record, resource, service, scope, out),
  )
  return out
}

function logRow(record: Obj, resource: string, service: string, scope: string, { logs, events, anchors }: OtlpLogs) {
  const hasTime = record.timeUnixNano !== undefined && record.timeUnixNano !== null
  const hasObserved = record.observedTimeUnixNano !== undefined && record.observedTimeUnixNano !== null
  const timeUs = micros(record.timeUnixNano, '.timeUnixNano')
  const observedUs = micros(record.observedTimeUnixNano, '.observedTimeUnixNano')
  const ts = Math.floor((hasTime ? timeUs : observedUs) / 1000)
  const pick = picked()
  const attrs = attributesJson(record.attributes, '.attributes', pick)
  let body: string
  try {
    body = anyValueJson(record.body, 0)
  } catch (error) {
    at(error, '.body')
  }
  const traceId = id(record.traceId, 16, '', true)
  logs.push({
    ts,
    observed_ts: Math.floor((hasObserved ? observedUs : timeUs) / 1000),
    trace_id: traceId,
    span_id: id(record.spanId, 8, '', true),
    severity_number: enumOf(record.severityNumber, {}, '.severityNumber'),
    severity_text: optStr(record.severityText, '.severityText'),
    event_name: optStr(record.eventName, '.eventName'),
    body,
    service,
    scope,
    attrs,
    resource,
  })
  if (pick.objType === undefined || pick.objId === undefined) return
  anchors.push({ type: pick.objType, id: pick.objId })
  if (pick.kind !== undefined) {
    events.push({
      objType: pick.objType,
      objId: pick.objId,
      ts,
      seq: pick.seq,
      kind: pick.kind,
      traceId,
      attrs: JSON.parse(body) as Json,
    })
  }
}

const METRIC_TYPES = ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'] as const

/** One row per metric data point; the point (value, buckets, …) kept as JSON without its attributes. */
export function metricsFromOtlp(request: MetricsRequest): MetricRow[] {
  const rows: MetricRow[] = []
  for (const rm of request.resourceMetrics ?? []) {
    const resource = fromAttributes(rm.resource?.attributes)
    for (const sm of rm.scopeMetrics ?? []) {
      for (const metric of sm.metrics ?? []) {
        for (const type of METRIC_TYPES) {
          const data = metric[type]
          if (!data) continue
          for (const point of data.dataPoints ?? []) {
            const { attributes, startTimeUnixNano, timeUnixNano, ...rest } = point
            rows.push({
              name: metric.name,
              type,
              unit: metric.unit ?? '',
              ts: nanosToMs(timeUnixNano),
              start_ts: nanosToMs(startTimeUnixNano),
              service: text(resource['service.name']),
              scope: scopeName(sm.scope),
              point: JSON.stringify(rest),
              attrs: JSON.stringify(fromAttributes(attributes)),
              resource: JSON.stringify(resource),
            })
          }
        }
      }
    }
  }
  return rows
}
