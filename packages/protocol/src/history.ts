import { z } from 'zod'
import { JsonObjectSchema, JsonSchema } from './json.ts'
import { PatchSchema } from './patch.ts'

// TriLog's answers over HTTP (`/api/panels/:id/timeline`, `/diff`, `/who-changed`, `/cause`, `/anomalies`,
// `/api/traces/:id`, replay): what the kernel sends and the studio reads.

const Time = z.number().int().nonnegative()

/** One line of an object's timeline. */
export const TimelineEntrySchema = z.object({
  ts: Time,
  seq: z.number().int(),
  kind: z.string(),
  traceId: z.string(),
  /** One human line: `increment: replace /count`. */
  summary: z.string(),
  attrs: JsonSchema,
})
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>

/** A tool's handler runs summed up: how many, how long (median and spread), how often they failed. */
export const ToolBaselineSchema = z.object({
  tool: z.string(),
  count: z.number().int().nonnegative(),
  medianMs: z.number(),
  /** Median absolute deviation of the latency, ms. */
  madMs: z.number(),
  errorRate: z.number(),
})
export type ToolBaseline = z.infer<typeof ToolBaselineSchema>

export const AnomalyFlagSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('latency'),
    tool: z.string(),
    ts: Time,
    durationMs: z.number(),
    score: z.number(),
    traceId: z.string(),
  }),
  z.object({
    kind: z.literal('error_rate'),
    tool: z.string(),
    recentRate: z.number(),
    baselineRate: z.number(),
    recentCount: z.number().int(),
  }),
])
export type AnomalyFlag = z.infer<typeof AnomalyFlagSchema>

/** A stored span, as `GET /api/traces/:id` and `…/cause` answer it. */
export const StoredSpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string(),
  name: z.string(),
  kind: z.number().int(),
  startTs: z.number(),
  endTs: z.number(),
  durationUs: z.number(),
  statusCode: z.number().int(),
  statusMessage: z.string(),
  service: z.string(),
  scope: z.string(),
  objType: z.string(),
  objId: z.string(),
  attrs: JsonObjectSchema,
  events: z.array(JsonSchema),
  links: z.array(JsonSchema),
  resource: JsonObjectSchema,
})

/** Query strings: moments are milliseconds since the epoch; absent bounds are open. */
const Int = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
export const TimelineQuerySchema = z.object({
  from: Int.default(0),
  to: Int.default(Number.MAX_SAFE_INTEGER),
  offset: Int.default(0),
  limit: Int.default(100).transform((n) => Math.min(n, 1000)),
  /** The newest `last` events instead of a page from `offset`. */
  last: Int.transform((n) => Math.min(n, 1000)).optional(),
})
export const DiffQuerySchema = z.object({ from: Int, to: Int })
export const WhoChangedQuerySchema = z.object({
  path: z
    .string()
    .refine((p) => p === '' || p.startsWith('/'), 'path must be a JSON Pointer such as /count')
    .default(''),
  from: Int.default(0),
  to: Int.default(Number.MAX_SAFE_INTEGER),
})
export const CauseQuerySchema = z.object({ at: Int })
/** Absent `to` is now (the kernel's clock); absent `from` is a day before `to`. */
export const AnomaliesQuerySchema = z.object({ from: Int.optional(), to: Int.optional(), recentFrom: Int.optional() })

export const TimelineResponseSchema = z.object({
  entries: z.array(TimelineEntrySchema),
  /** Pass as `offset` for the next page; absent on the last page. */
  nextOffset: z.number().int().optional(),
})
export const DiffResponseSchema = z.object({ from: Time, to: Time, ops: PatchSchema })
export const WhoChangedResponseSchema = z.object({
  path: z.string(),
  changes: z.array(
    z.object({
      ts: Time,
      seq: z.number().int(),
      traceId: z.string(),
      actor: z.string().optional(),
      tool: z.string().optional(),
      ops: PatchSchema,
    }),
  ),
})
export const CauseResponseSchema = z.object({ change: TimelineEntrySchema, spans: z.array(StoredSpanSchema) })
export const AnomaliesResponseSchema = z.object({
  baselines: z.array(ToolBaselineSchema),
  flags: z.array(AnomalyFlagSchema),
})
export const TraceResponseSchema = z.object({ traceId: z.string(), spans: z.array(StoredSpanSchema) })
export const ReplayResponseSchema = z.object({
  version: z.number().int(),
  tool: z.string(),
  /** Whether re-running the handler from its record gave exactly the recorded operations. */
  identical: z.boolean(),
  recorded: PatchSchema,
  replayed: PatchSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
})
/** `POST /api/panels/:id/failures/:ts/:seq/replay`: a failed run re-run as a dry run. */
export const FailureReplayResponseSchema = z.object({
  ts: Time,
  seq: z.number().int(),
  tool: z.string(),
  recorded: z.object({ code: z.string(), message: z.string() }),
  /** Whether the re-run failed again with the recorded error code. */
  reproduced: z.boolean(),
  /** The operations the re-run produced when it did not fail (nothing is applied). */
  replayed: PatchSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
})
