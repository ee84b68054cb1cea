import { z } from 'zod'

// OTLP/HTTP JSON (opentelemetry-proto's JSON mapping): 64-bit integers may be strings or numbers, enums
// numbers or their names, ids hex strings. Unknown fields are ignored, as the spec asks of receivers.

const Int64 = z.union([z.string().regex(/^-?\d+$/, 'expected an integer string'), z.number().int()])
const Enum = z.union([z.number().int(), z.string()])

export interface AnyValue {
  stringValue?: string
  boolValue?: boolean
  intValue?: string | number
  doubleValue?: number | string
  arrayValue?: { values?: AnyValue[] }
  kvlistValue?: { values?: KeyValue[] }
  bytesValue?: string
}
export interface KeyValue {
  key: string
  value?: AnyValue
}

export const AnyValueSchema: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: Int64.optional(),
    doubleValue: z.union([z.number(), z.string()]).optional(),
    arrayValue: z.object({ values: z.array(AnyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(KeyValueSchema).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
)
export const KeyValueSchema: z.ZodType<KeyValue> = z.lazy(() =>
  z.object({ key: z.string(), value: AnyValueSchema.optional() }),
)
const Attributes = z.array(KeyValueSchema).optional()

const Resource = z.object({ attributes: Attributes }).optional()
const Scope = z
  .object({ name: z.string().optional(), version: z.string().optional(), attributes: Attributes })
  .optional()

const SpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  traceState: z.string().optional(),
  name: z.string(),
  kind: Enum.optional(),
  startTimeUnixNano: Int64,
  endTimeUnixNano: Int64.optional(),
  attributes: Attributes,
  events: z
    .array(z.object({ timeUnixNano: Int64.optional(), name: z.string().optional(), attributes: Attributes }))
    .optional(),
  links: z
    .array(
      z.object({ traceId: z.string(), spanId: z.string(), traceState: z.string().optional(), attributes: Attributes }),
    )
    .optional(),
  status: z.object({ code: Enum.optional(), message: z.string().optional() }).optional(),
})
export type OtlpSpan = z.infer<typeof SpanSchema>

export const TracesRequestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: Resource,
        scopeSpans: z.array(z.object({ scope: Scope, spans: z.array(SpanSchema).optional() })).optional(),
      }),
    )
    .optional(),
})
export type TracesRequest = z.infer<typeof TracesRequestSchema>

const LogRecordSchema = z.object({
  timeUnixNano: Int64.optional(),
  observedTimeUnixNano: Int64.optional(),
  severityNumber: Enum.optional(),
  severityText: z.string().optional(),
  eventName: z.string().optional(),
  body: AnyValueSchema.optional(),
  attributes: Attributes,
  traceId: z.string().optional(),
  spanId: z.string().optional(),
})
export type OtlpLogRecord = z.infer<typeof LogRecordSchema>

export const LogsRequestSchema = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource: Resource,
        scopeLogs: z.array(z.object({ scope: Scope, logRecords: z.array(LogRecordSchema).optional() })).optional(),
      }),
    )
    .optional(),
})
export type LogsRequest = z.infer<typeof LogsRequestSchema>

const DataPoint = z.looseObject({
  attributes: Attributes,
  startTimeUnixNano: Int64.optional(),
  timeUnixNano: Int64.optional(),
})
const PointsOf = z.looseObject({ dataPoints: z.array(DataPoint).optional() })

const MetricSchema = z.object({
  name: z.string(),
  unit: z.string().optional(),
  description: z.string().optional(),
  sum: PointsOf.optional(),
  gauge: PointsOf.optional(),
  histogram: PointsOf.optional(),
  exponentialHistogram: PointsOf.optional(),
  summary: PointsOf.optional(),
})
export type OtlpMetric = z.infer<typeof MetricSchema>

export const MetricsRequestSchema = z.object({
  resourceMetrics: z
    .array(
      z.object({
        resource: Resource,
        scopeMetrics: z.array(z.object({ scope: Scope, metrics: z.array(MetricSchema).optional() })).optional(),
      }),
    )
    .optional(),
})
export type MetricsRequest = z.infer<typeof MetricsRequestSchema>
