import type { Json, JsonObject } from '@nexus/protocol'
import type { LogRow, MetricRow, SpanRow, TrilogEvent } from '../events.ts'
import type { AnyValue, KeyValue, LogsRequest, MetricsRequest, OtlpSpan, TracesRequest } from './schema.ts'

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
function nanosDiffUs(start: string | number, end: string | number | undefined): number {
  if (end === undefined) return 0
  const diff = BigInt(end) - BigInt(start)
  return diff > 0n ? Number(diff / 1_000n) : 0
}

function enumValue(value: number | string | undefined, names: Record<string, number>): number {
  if (value === undefined) return 0
  return typeof value === 'number' ? value : (names[value] ?? 0)
}

function scopeName(scope: { name?: string; version?: string } | undefined): string {
  return scope?.name ? `${scope.name}${scope.version ? `@${scope.version}` : ''}` : ''
}

function text(value: Json | undefined): string {
  return typeof value === 'string' ? value : ''
}

/** Every span in an ExportTraceServiceRequest as rows; throws RangeError with a path on a bad id. */
export function spansFromOtlp(request: TracesRequest): SpanRow[] {
  const rows: SpanRow[] = []
  request.resourceSpans?.forEach((rs, i) => {
    const resource = fromAttributes(rs.resource?.attributes)
    rs.scopeSpans?.forEach((ss, j) => {
      ss.spans?.forEach((span, k) => {
        try {
          rows.push(spanRow(span, resource, scopeName(ss.scope)))
        } catch (error) {
          throw new RangeError(`At resourceSpans[${i}].scopeSpans[${j}].spans[${k}]: ${(error as Error).message}`)
        }
      })
    })
  })
  return rows
}

function spanRow(span: OtlpSpan, resource: JsonObject, scope: string): SpanRow {
  const attrs = fromAttributes(span.attributes)
  return {
    trace_id: normalizeId(span.traceId, 16),
    span_id: normalizeId(span.spanId, 8),
    parent_span_id: normalizeId(span.parentSpanId, 8),
    name: span.name,
    kind: enumValue(span.kind, SPAN_KINDS),
    start_ts: nanosToMs(span.startTimeUnixNano),
    end_ts: nanosToMs(span.endTimeUnixNano ?? span.startTimeUnixNano),
    duration_us: nanosDiffUs(span.startTimeUnixNano, span.endTimeUnixNano),
    status_code: enumValue(span.status?.code, STATUS_CODES),
    status_message: span.status?.message ?? '',
    service: text(resource['service.name']),
    scope,
    obj_type: text(attrs[OBJ_TYPE_ATTR]),
    obj_id: text(attrs[OBJ_ID_ATTR]),
    attrs: JSON.stringify(attrs),
    events: JSON.stringify(
      (span.events ?? []).map((e) => ({
        ts: nanosToMs(e.timeUnixNano),
        name: e.name ?? '',
        attrs: fromAttributes(e.attributes),
      })),
    ),
    links: JSON.stringify(
      (span.links ?? []).map((l) => ({
        traceId: normalizeId(l.traceId, 16),
        spanId: normalizeId(l.spanId, 8),
        attrs: fromAttributes(l.attributes),
      })),
    ),
    resource: JSON.stringify(resource),
  }
}

/** Log records as rows, plus TriLog events for records anchored with `trilog.obj_type`/`trilog.obj_id`/`trilog.kind`. */
export function logsFromOtlp(request: LogsRequest): { logs: LogRow[]; events: TrilogEvent[] } {
  const logs: LogRow[] = []
  const events: TrilogEvent[] = []
  request.resourceLogs?.forEach((rl, i) => {
    const resource = fromAttributes(rl.resource?.attributes)
    rl.scopeLogs?.forEach((sl, j) => {
      sl.logRecords?.forEach((record, k) => {
        try {
          const attrs = fromAttributes(record.attributes)
          const body = fromAnyValue(record.body)
          const ts = nanosToMs(record.timeUnixNano ?? record.observedTimeUnixNano)
          const traceId = normalizeId(record.traceId, 16)
          logs.push({
            ts,
            observed_ts: nanosToMs(record.observedTimeUnixNano ?? record.timeUnixNano),
            trace_id: traceId,
            span_id: normalizeId(record.spanId, 8),
            severity_number: enumValue(record.severityNumber, {}),
            severity_text: record.severityText ?? '',
            event_name: record.eventName ?? '',
            body: JSON.stringify(body),
            service: text(resource['service.name']),
            scope: scopeName(sl.scope),
            attrs: JSON.stringify(attrs),
            resource: JSON.stringify(resource),
          })
          const [type, id, kind] = [attrs[OBJ_TYPE_ATTR], attrs[OBJ_ID_ATTR], attrs[KIND_ATTR]]
          if (typeof type === 'string' && typeof id === 'string' && typeof kind === 'string') {
            const seq = attrs[SEQ_ATTR]
            events.push({
              objType: type,
              objId: id,
              ts,
              seq: typeof seq === 'number' ? seq : 0,
              kind,
              traceId,
              attrs: body,
            })
          }
        } catch (error) {
          throw new RangeError(`At resourceLogs[${i}].scopeLogs[${j}].logRecords[${k}]: ${(error as Error).message}`)
        }
      })
    })
  })
  return { logs, events }
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
