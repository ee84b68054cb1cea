import { z } from 'zod'
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
