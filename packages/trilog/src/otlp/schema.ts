import { z } from 'zod'

// OTLP/HTTP JSON (opentelemetry-proto's JSON mapping) for metrics: 64-bit integers may be strings or numbers.
// Unknown fields are ignored, as the spec asks of receivers. Traces and logs, the hot ingest path, are checked
// by hand while they are converted (`convert.ts`), with the same shapes.

const Int64 = z.union([z.string().regex(/^-?\d+$/, 'expected an integer string'), z.number().int()])

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
