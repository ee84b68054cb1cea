import { z } from 'zod'
import { DiagnosticSchema } from './diagnostics.ts'
import { JsonObjectSchema, JsonSchema } from './json.ts'

/** Largest NXML source accepted, in bytes. */
export const MAX_NXML_BYTES = 512 * 1024

export const ValidateRequestSchema = z.object({ nxml: z.string().max(MAX_NXML_BYTES) })
export const CreatePanelRequestSchema = z.object({
  nxml: z.string().max(MAX_NXML_BYTES),
  /** Defaults to the caller's first workspace where they may edit. */
  workspaceId: z.string().min(1).max(64).optional(),
})
export const TriggerRequestSchema = z.object({
  tool: z.string().min(1).max(128),
  args: z.union([JsonObjectSchema, z.array(JsonSchema)]).optional(),
})
export const StateAtQuerySchema = z.object({ at: z.coerce.number().int().nonnegative() })

export const UpdateNxmlRequestSchema = z.object({ nxml: z.string().max(MAX_NXML_BYTES) })
export const LayoutSchema = z.object({
  x: z.number().int().min(0).max(10_000),
  y: z.number().int().min(0).max(10_000),
  w: z.number().int().min(1).max(48),
  h: z.number().int().min(1).max(200),
})
export const UpdatePanelRequestSchema = z
  .object({ title: z.string().trim().min(1).max(200).optional(), layout: LayoutSchema.optional() })
  .refine((b) => b.title !== undefined || b.layout !== undefined, 'send a title, a layout, or both')
export const DuplicatePanelRequestSchema = z.object({ workspaceId: z.string().min(1).max(64).optional() })

// Query strings and answers of `/api/nxml/*` and `/api/panels/*`.

export const PanelListQuerySchema = z.object({
  /** Absent or empty: every workspace of the caller. */
  workspaceId: z.string().max(64).optional(),
  /** `true` lists the trash instead. */
  trashed: z
    .string()
    .optional()
    .transform((v) => v === 'true'),
})

const Time = z.number().int().nonnegative()
const Version = z.number().int().nonnegative()

export const ValidateResponseSchema = z.object({ diagnostics: z.array(DiagnosticSchema) })

export const PanelSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  version: Version,
  workspaceId: z.string().nullable(),
  /** Set while the panel is in the trash. */
  deletedAt: Time.nullable(),
  x: z.number().int(),
  y: z.number().int(),
  w: z.number().int(),
  h: z.number().int(),
  updatedAt: Time,
})
export type PanelSummary = z.infer<typeof PanelSummarySchema>
export const PanelListResponseSchema = z.object({ panels: z.array(PanelSummarySchema) })

/** `POST /api/panels` and `…/duplicate` (201). */
export const PanelCreatedResponseSchema = z.object({
  id: z.string(),
  title: z.string(),
  version: Version,
  state: JsonObjectSchema,
  workspaceId: z.string().nullable(),
})
export const PanelResponseSchema = z.object({
  id: z.string(),
  title: z.string(),
  nxml: z.string(),
  state: JsonObjectSchema,
  version: Version,
  workspaceId: z.string().nullable(),
  layout: LayoutSchema,
})
/** `PUT …/nxml`: state kept where it still fits; what could not be kept is in `dropped`. */
export const NxmlUpdatedResponseSchema = z.object({
  version: Version,
  state: JsonObjectSchema,
  dropped: z.array(z.object({ key: z.string(), reason: z.string() })),
})
export const PanelUpdatedResponseSchema = z.object({
  id: z.string(),
  title: z.string(),
  version: Version,
  layout: LayoutSchema,
})
export const TriggerResponseSchema = z.object({ version: Version, state: JsonObjectSchema })
/** What a TriLog replay left out: the count, and the first few (at most 5) with why. Always present. */
export const ReplaySkippedSchema = z.object({
  count: z.number().int().nonnegative(),
  first: z.array(z.object({ ts: Time, seq: z.number().int().nonnegative(), reason: z.string() })).max(5),
})
/** The state rebuilt at `at`; `skipped.count > 0` means the log is damaged and `state` is the last good one. */
export const StateAtResponseSchema = z.object({ at: Time, state: JsonObjectSchema, skipped: ReplaySkippedSchema })

/** `GET /healthz`, `/readyz`. */
export const HealthResponseSchema = z.object({ status: z.enum(['ok', 'ready']) })
