import { z } from 'zod'
import {
  EntityCategorySchema,
  NogEntitySchema,
  NogGraphSchema,
  NogPatchSchema,
  NogRelationshipSchema,
  PATCH_STATUSES,
  RelationshipTypeSchema,
} from './schemas.ts'

// `/api/workspaces/:id/nog/*`: the query strings each route takes and the answers it gives.

/** Deepest `depth` of `GET …/neighbours`. */
export const MAX_NOG_DEPTH = 6

const one = z.string().min(1).max(200).optional()
export const NogEntitiesQuerySchema = z.object({
  category: EntityCategorySchema.optional(),
  tag: one,
  q: one,
  /** A `NogFilter` as JSON text. */
  filter: z.string().max(10_000).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
})
export const NogNeighboursQuerySchema = z.object({
  depth: z.coerce.number().int().min(1).max(MAX_NOG_DEPTH).default(1),
  types: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',') : undefined))
    .pipe(z.array(RelationshipTypeSchema).optional()),
})
export const NogPathQuerySchema = z.object({ from: z.string().min(1), to: z.string().min(1) })
export const NogAtQuerySchema = z.object({ t: z.coerce.number().int().min(0) })
/** Most entities one `GET …/nog/graph` answers. */
export const MAX_NOG_GRAPH = 10_000
export const NogGraphQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_NOG_GRAPH).default(MAX_NOG_GRAPH),
})
export const NogBaseVersionQuerySchema = z.object({ baseVersion: z.coerce.number().int().min(0).optional() })
export const NogPatchesQuerySchema = z.object({
  status: z.enum(PATCH_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
})

const Version = z.number().int().nonnegative()

/** `GET …/nog`: counts. */
export const NogSummaryResponseSchema = z.object({
  version: Version,
  entities: z.number().int().nonnegative(),
  relationships: z.number().int().nonnegative(),
})
/** `GET …/nog/at?t=`: the graph as it was at `t`, and its version then. */
export const NogGraphAtResponseSchema = NogGraphSchema.extend({ version: Version })
/**
 * `GET …/nog/graph`: the whole current graph (up to `limit` entities, with every relationship between two of
 * them) and its version; `truncated` when the workspace holds more entities than were sent.
 */
export const NogGraphResponseSchema = NogGraphSchema.extend({ version: Version, truncated: z.boolean() })
export const NogEntitiesResponseSchema = z.object({ version: Version, entities: z.array(NogEntitySchema) })
export const NogEntityCreatedResponseSchema = z.object({ entity: NogEntitySchema, version: Version })
export const NogEntityResponseSchema = z.object({
  entity: NogEntitySchema,
  relationships: z.array(NogRelationshipSchema),
})
export const NogEntityUpdatedResponseSchema = z.object({
  entity: NogEntitySchema,
  version: Version,
  rebased: z.boolean(),
})
/** A delete: the graph version it produced. */
export const NogDeletedResponseSchema = z.object({ version: Version })
export const NogRelationshipCreatedResponseSchema = z.object({ relationship: NogRelationshipSchema, version: Version })
export const NogRelationshipResponseSchema = z.object({ relationship: NogRelationshipSchema })
export const NogRelationshipUpdatedResponseSchema = z.object({
  relationship: NogRelationshipSchema,
  version: Version,
  rebased: z.boolean(),
})
export const NogPatchesResponseSchema = z.object({ patches: z.array(NogPatchSchema) })
