import type { NogEntity, NogRelationship } from '@nexus/protocol'

// The NOG's wire shapes live in @nexus/protocol; re-exported here so kernel modules keep their imports.
export type {
  CreateEntity,
  CreatePatch,
  CreateRelationship,
  EntityCategory,
  EntityFields,
  NogEntity,
  NogGraph,
  NogOp,
  NogPatch,
  NogRelationship,
  NogSource,
  PatchSource,
  PatchStatus,
  RelationshipFields,
  RelationshipType,
} from '@nexus/protocol'
export {
  CreateEntitySchema,
  CreatePatchSchema,
  CreateRelationshipSchema,
  ENTITY_CATEGORIES,
  EntityCategorySchema,
  EntityFieldsSchema,
  EntityIdSchema,
  NogOpSchema,
  PATCH_SOURCES,
  PATCH_STATUSES,
  RELATIONSHIP_TYPES,
  RejectPatchSchema,
  RelationshipFieldsSchema,
  RelationshipTypeSchema,
  UpdateEntitySchema,
  UpdateRelationshipSchema,
} from '@nexus/protocol'

// Kernel-internal: how changes are tracked and announced inside the process.

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
