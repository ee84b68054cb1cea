import { z } from 'zod'
import { JsonObjectSchema, type JsonObject } from '@nexus/protocol'

// NOG shapes and the zod schemas for its inputs (to move into @nexus/protocol once the API settles).

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
export type EntityCategory = (typeof ENTITY_CATEGORIES)[number]

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
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number]

/** Who made a graph element: a person, the AI, or the panel sync (NXML-derived, read-only for users). */
export type NogSource = 'user' | 'ai' | 'derived'

export interface NogEntity {
  id: string
  workspaceId: string
  name: string
  category: EntityCategory
  status: string
  description: string
  tags: string[]
  properties: JsonObject
  sourcePanel: string | null
  source: NogSource
  version: number
  createdAt: number
  updatedAt: number
}

export interface NogRelationship {
  id: string
  workspaceId: string
  fromId: string
  toId: string
  type: RelationshipType
  strength: number
  confidence: number
  source: NogSource
  version: number
  createdAt: number
  updatedAt: number
}

/** A field's last change: `[entity or relationship version, graph version]`. */
export type FieldVersions = Record<string, [number, number]>

/** One committed change: the element as it is now (as it was, for a delete); an update also has `previous`. */
export type NogChange =
  | { op: 'create' | 'update' | 'delete'; entity: NogEntity; previous?: NogEntity }
  | { op: 'create' | 'update' | 'delete'; relationship: NogRelationship; previous?: NogRelationship }

/** What `NogService.onChange` listeners receive after each committed change. */
export interface NogChangeEvent {
  workspaceId: string
  version: number
  changes: NogChange[]
}

/** A subgraph: entities and the relationships among them. */
export interface NogGraph {
  entities: NogEntity[]
  relationships: NogRelationship[]
}

const ID = /^[A-Za-z0-9_.:-]{1,128}$/
export const EntityIdSchema = z.string().regex(ID, 'use 1-128 letters, digits or _ . : -')
const UserIdSchema = EntityIdSchema.refine((id) => !id.startsWith('panel:'), 'ids starting "panel:" are reserved')
const Tags = z.array(z.string().min(1).max(64)).max(64)
const Unit = z.number().min(0).max(1)

export const EntityCategorySchema = z.enum(ENTITY_CATEGORIES)
export const RelationshipTypeSchema = z.enum(RELATIONSHIP_TYPES)

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

export interface NogPatch {
  id: string
  workspaceId: string
  status: PatchStatus
  source: PatchSource
  author: string | null
  summary: string
  baseVersion: number
  ops: NogOp[]
  /** Why it was rejected or failed. */
  reason: string | null
  reviewedBy: string | null
  /** The graph version it produced, once applied. */
  appliedVersion: number | null
  createdAt: number
  updatedAt: number
  expiresAt: number
}
