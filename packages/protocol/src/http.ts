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
