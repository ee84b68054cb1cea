import { z } from 'zod'
import { JsonObjectSchema, type Json } from '../json.ts'

// The Nexus Object Graph on the wire: entities, relationships, patches and their inputs.

export const ENTITY_CATEGORIES = [
  'concept',
  'component',
  'data',
  'action',
  'resource',
  'constraint',
  'milestone',
  'custom',
] as const
export const EntityCategorySchema = z.enum(ENTITY_CATEGORIES)
export type EntityCategory = z.infer<typeof EntityCategorySchema>

export const RELATIONSHIP_TYPES = [
  'contains',
  'depends_on',
  'uses',
  'produces',
  'consumes',
  'triggers',
  'related_to',
  'conflicts_with',
  'extends',
  'implements',
] as const
export const RelationshipTypeSchema = z.enum(RELATIONSHIP_TYPES)
export type RelationshipType = z.infer<typeof RelationshipTypeSchema>

/** Who made a graph element: a person, the AI, or the panel sync (NXML-derived, read-only for users). */
export const NogSourceSchema = z.enum(['user', 'ai', 'derived'])
export type NogSource = z.infer<typeof NogSourceSchema>

const Time = z.number().int().nonnegative()

export const NogEntitySchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  category: EntityCategorySchema,
  status: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  properties: JsonObjectSchema,
  sourcePanel: z.string().nullable(),
  source: NogSourceSchema,
  version: z.number().int(),
  createdAt: Time,
  updatedAt: Time,
})
export type NogEntity = z.infer<typeof NogEntitySchema>

export const NogRelationshipSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  fromId: z.string(),
  toId: z.string(),
  type: RelationshipTypeSchema,
  strength: z.number(),
  confidence: z.number(),
  source: NogSourceSchema,
  version: z.number().int(),
  createdAt: Time,
  updatedAt: Time,
})
export type NogRelationship = z.infer<typeof NogRelationshipSchema>

/** A subgraph: entities and the relationships among them. */
export const NogGraphSchema = z.object({
  entities: z.array(NogEntitySchema),
  relationships: z.array(NogRelationshipSchema),
})
export type NogGraph = z.infer<typeof NogGraphSchema>

const ID = /^[A-Za-z0-9_.:-]{1,128}$/
export const EntityIdSchema = z.string().regex(ID, 'use 1-128 letters, digits or _ . : -')
const UserIdSchema = EntityIdSchema.refine((id) => !id.startsWith('panel:'), 'ids starting "panel:" are reserved')
const Tags = z.array(z.string().min(1).max(64)).max(64)
const Unit = z.number().min(0).max(1)

export const CreateEntitySchema = z.strictObject({
  id: UserIdSchema.optional(),
  name: z.string().min(1).max(200),
  category: EntityCategorySchema,
  status: z.string().min(1).max(64).default('active'),
  description: z.string().max(10_000).default(''),
  tags: Tags.default([]),
  properties: JsonObjectSchema.default({}),
})
export type CreateEntity = z.infer<typeof CreateEntitySchema>

export const EntityFieldsSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  category: EntityCategorySchema.optional(),
  status: z.string().min(1).max(64).optional(),
  description: z.string().max(10_000).optional(),
  tags: Tags.optional(),
  properties: JsonObjectSchema.optional(),
})
export type EntityFields = z.infer<typeof EntityFieldsSchema>

/** `baseVersion` is the entity version the edit was made against; omit it to overwrite. */
export const UpdateEntitySchema = EntityFieldsSchema.extend({ baseVersion: z.number().int().min(0).optional() })

export const CreateRelationshipSchema = z.strictObject({
  id: UserIdSchema.optional(),
  fromId: EntityIdSchema,
  toId: EntityIdSchema,
  type: RelationshipTypeSchema,
  strength: Unit.default(1),
  confidence: Unit.default(1),
})
export type CreateRelationship = z.infer<typeof CreateRelationshipSchema>

export const RelationshipFieldsSchema = z.strictObject({
  type: RelationshipTypeSchema.optional(),
  strength: Unit.optional(),
  confidence: Unit.optional(),
})
export type RelationshipFields = z.infer<typeof RelationshipFieldsSchema>

export const UpdateRelationshipSchema = RelationshipFieldsSchema.extend({
  baseVersion: z.number().int().min(0).optional(),
})

const Base = z.number().int().min(0).optional()
export const NogOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('create_entity'), entity: CreateEntitySchema }),
  z.strictObject({ op: z.literal('update_entity'), id: EntityIdSchema, baseVersion: Base, set: EntityFieldsSchema }),
  z.strictObject({ op: z.literal('delete_entity'), id: EntityIdSchema, baseVersion: Base }),
  z.strictObject({ op: z.literal('create_relationship'), relationship: CreateRelationshipSchema }),
  z.strictObject({
    op: z.literal('update_relationship'),
    id: EntityIdSchema,
    baseVersion: Base,
    set: RelationshipFieldsSchema,
  }),
  z.strictObject({ op: z.literal('delete_relationship'), id: EntityIdSchema, baseVersion: Base }),
])
export type NogOp = z.infer<typeof NogOpSchema>

export const PATCH_SOURCES = ['user', 'ai', 'sync'] as const
export type PatchSource = (typeof PATCH_SOURCES)[number]
export const PATCH_STATUSES = ['pending', 'approved', 'rejected', 'applied', 'failed', 'expired'] as const
export type PatchStatus = (typeof PATCH_STATUSES)[number]

/**
 * A patch: operations against graph version `baseVersion` (the current one when omitted). User patches
 * apply at once; `ai` and `sync` proposals wait for review.
 */
export const CreatePatchSchema = z.strictObject({
  source: z.enum(PATCH_SOURCES).default('user'),
  baseVersion: z.number().int().min(0).optional(),
  summary: z.string().max(500).default(''),
  ops: z.array(NogOpSchema).min(1).max(1000),
})
export type CreatePatch = z.infer<typeof CreatePatchSchema>

export const RejectPatchSchema = z.strictObject({ reason: z.string().max(500).default('') })

/** A recorded patch as the kernel answers it (`ops` as stored, defaults filled in). */
export const NogPatchSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  status: z.enum(PATCH_STATUSES),
  source: z.enum(PATCH_SOURCES),
  author: z.string().nullable(),
  summary: z.string(),
  baseVersion: z.number().int(),
  ops: z.array(NogOpSchema),
  /** Why it was rejected or failed. */
  reason: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  /** The graph version it produced, once applied. */
  appliedVersion: z.number().int().nullable(),
  createdAt: Time,
  updatedAt: Time,
  expiresAt: Time,
})
export type NogPatch = z.output<typeof NogPatchSchema>

/**
 * The NOG filter (the `filter` query of `GET …/nog/entities` and of `nog:` channels):
 * `{"$and":[{"category":{"eq":"concept"}},{"tags":{"in":["x"]}}]}`. The kernel compiles it and reports
 * problems with their path (`BAD_FILTER`); on the wire it is any JSON of this shape.
 */
export type NogFilter = { $and: NogFilter[] } | { $or: NogFilter[] } | Record<string, Record<string, Json>>
