import { isDeepStrictEqual } from 'node:util'
import { KernelError } from '../errors.ts'
import type { Stored, Write } from './NogRepository.ts'
import type { FieldVersions, NogEntity, NogOp, NogRelationship, NogSource } from './types.ts'

/** What the planner needs loaded: every entity and relationship the ops name, and those touching deletions. */
export interface PlanInput {
  workspaceId: string
  ops: readonly NogOp[]
  entities: ReadonlyMap<string, Stored<NogEntity>>
  relationships: ReadonlyMap<string, Stored<NogRelationship>>
  /** The graph version the ops were written against; undefined skips the graph-level check. */
  baseVersion: number | undefined
  /** The version the graph will have once these ops commit. */
  nextVersion: number
  source: Exclude<NogSource, 'derived'>
  now: number
  newId: () => string
}

export type PlanResult = { ok: true; writes: Write[]; rebased: boolean } | { ok: false; error: KernelError }

/** Fields users may still change on an element derived from NXML (the panel sync owns the rest). */
const DERIVED_EDITABLE = new Set(['tags', 'status'])

interface Slot<T> {
  original: Stored<T> | undefined
  current: T | null
  changed: Set<string>
}

class PlanError extends KernelError {}

function conflict(at: string, message: string, details?: unknown): never {
  throw new PlanError('CONFLICT', `At ${at}: ${message}`, 409, details)
}

/**
 * Applies `ops` to a working copy of the loaded elements and returns the rows to write, or the first
 * problem. A stale update is rebased when the fields it changes were not changed since its base version,
 * and refused with CONFLICT otherwise. Pure: everything it needs is in `input`.
 */
export function planOps(input: PlanInput): PlanResult {
  const entities = new Map<string, Slot<NogEntity>>()
  const rels = new Map<string, Slot<NogRelationship>>()
  for (const [id, s] of input.entities) entities.set(id, { original: s, current: s.value, changed: new Set() })
  for (const [id, s] of input.relationships) rels.set(id, { original: s, current: s.value, changed: new Set() })
  let rebased = false
  try {
    input.ops.forEach((op, i) => {
      const at = `ops[${i}]`
      rebased = applyOp(op, at, input, entities, rels) || rebased
    })
  } catch (error) {
    if (error instanceof PlanError) return { ok: false, error }
    throw error
  }
  return { ok: true, writes: collectWrites(entities, rels, input), rebased }
}

function applyOp(
  op: NogOp,
  at: string,
  input: PlanInput,
  entities: Map<string, Slot<NogEntity>>,
  rels: Map<string, Slot<NogRelationship>>,
): boolean {
  const { workspaceId, now } = input
  switch (op.op) {
    case 'create_entity': {
      const id = op.entity.id ?? input.newId()
      if (entities.get(id)?.current) conflict(at, `entity "${id}" already exists; pick another id`)
      const { id: _id, ...fields } = op.entity
      const entity: NogEntity = {
        ...fields,
        id,
        workspaceId,
        sourcePanel: null,
        source: input.source,
        version: 0,
        createdAt: now,
        updatedAt: now,
      }
      putCreated(entities, entity, fields)
      return false
    }
    case 'update_entity': {
      const slot = existing(entities, op.id, 'entity', at)
      guardDerived(slot.current!, Object.keys(op.set), at)
      return applySet(slot, op.set, [op.baseVersion, input.baseVersion], 'entity', op.id, at, now)
    }
    case 'delete_entity': {
      const slot = existing(entities, op.id, 'entity', at)
      guardDerived(slot.current!, ['*'], at)
      applyDelete(slot, [op.baseVersion, input.baseVersion], 'entity', op.id, at)
      // Relationships cannot outlive their ends.
      for (const r of rels.values()) {
        if (r.current && (r.current.fromId === op.id || r.current.toId === op.id)) r.current = null
      }
      return false
    }
    case 'create_relationship': {
      const { id: given, ...fields } = op.relationship
      const id = given ?? input.newId()
      if (rels.get(id)?.current) conflict(at, `relationship "${id}" already exists; pick another id`)
      if (fields.fromId === fields.toId) {
        throw new PlanError('BAD_REQUEST', `At ${at}: a relationship needs two different entities`, 400)
      }
      for (const end of [fields.fromId, fields.toId]) {
        if (!entities.get(end)?.current) {
          throw new PlanError('NOT_FOUND', `At ${at}: entity "${end}" does not exist; create it first`, 404)
        }
      }
      const rel: NogRelationship = {
        ...fields,
        id,
        workspaceId,
        source: input.source,
        version: 0,
        createdAt: now,
        updatedAt: now,
      }
      putCreated(rels, rel, fields)
      return false
    }
    case 'update_relationship': {
      const slot = existing(rels, op.id, 'relationship', at)
      guardDerived(slot.current!, ['*'], at)
      return applySet(slot, op.set, [op.baseVersion, input.baseVersion], 'relationship', op.id, at, now)
    }
    case 'delete_relationship': {
      const slot = existing(rels, op.id, 'relationship', at)
      guardDerived(slot.current!, ['*'], at)
      applyDelete(slot, [op.baseVersion, input.baseVersion], 'relationship', op.id, at)
      return false
    }
  }
}

function existing<T>(map: Map<string, Slot<T>>, id: string, what: string, at: string): Slot<T> {
  const slot = map.get(id)
  if (!slot?.current) throw new PlanError('NOT_FOUND', `At ${at}: ${what} "${id}" does not exist`, 404)
  return slot
}

function guardDerived(element: { source: NogSource; id: string }, fields: string[], at: string): void {
  if (element.source !== 'derived' || fields.every((f) => DERIVED_EDITABLE.has(f))) return
  throw new PlanError(
    'NOG_DERIVED',
    `At ${at}: "${element.id}" is derived from a panel's NXML; edit the panel instead (only tags and status can change here)`,
    409,
  )
}

/** The fields `set` would actually change (setting a field to its current value touches nothing). */
function changedFields(current: object, set: object): string[] {
  return Object.entries(set)
    .filter(([k, v]) => !isDeepStrictEqual((current as Record<string, unknown>)[k], v))
    .map(([k]) => k)
}

/** An update: its changed fields are checked against the base versions, applied and marked; true when rebased. */
function applySet<T extends { version: number; updatedAt: number }>(
  slot: Slot<T>,
  set: object,
  [baseVersion, graphBase]: [number | undefined, number | undefined],
  what: string,
  id: string,
  at: string,
  now: number,
): boolean {
  const touched = changedFields(slot.current!, set)
  const rebased = checkBase(slot, touched, baseVersion, graphBase, what, id, at)
  slot.current = { ...slot.current!, ...set, updatedAt: now }
  for (const f of touched) slot.changed.add(f)
  return rebased
}

/** A new element; one re-created after its deletion in the same ops keeps its stored original (an update). */
function putCreated<T extends { id: string }>(map: Map<string, Slot<T>>, value: T, fields: object): void {
  map.set(value.id, { original: map.get(value.id)?.original, current: value, changed: new Set(Object.keys(fields)) })
}

/** A deletion: every field counts as touched, so any change since the base version is a CONFLICT. */
function applyDelete<T extends { version: number }>(
  slot: Slot<T>,
  [baseVersion, graphBase]: [number | undefined, number | undefined],
  what: string,
  id: string,
  at: string,
): void {
  checkBase(slot, Object.keys(slot.original?.fieldVersions ?? {}), baseVersion, graphBase, what, id, at)
  slot.current = null
}

/**
 * Checks an edit made against an older version. Returns true when it was rebased over newer changes,
 * throws CONFLICT when one of `fields` changed after the base.
 */
function checkBase<T extends { version: number }>(
  slot: Slot<T>,
  fields: string[],
  baseVersion: number | undefined,
  graphBase: number | undefined,
  what: string,
  id: string,
  at: string,
): boolean {
  const stored = slot.original
  // Elements created earlier in the same patch have no history to conflict with.
  if (!stored) return false
  const fv: FieldVersions = stored.fieldVersions
  const current = stored.value.version
  let stale: string[]
  if (baseVersion !== undefined) {
    if (baseVersion > current) conflict(at, `${what} "${id}" is at version ${current}, not ${baseVersion}`)
    if (baseVersion === current) return false
    stale = fields.filter((f) => (fv[f]?.[0] ?? 0) > baseVersion)
  } else if (graphBase !== undefined) {
    stale = fields.filter((f) => (fv[f]?.[1] ?? 0) > graphBase)
    if (stale.length === 0) return Object.values(fv).some(([, g]) => g > graphBase)
  } else {
    return false
  }
  if (stale.length > 0) {
    const since = baseVersion !== undefined ? `version ${baseVersion}` : `graph version ${graphBase}`
    conflict(at, `${what} "${id}" changed ${stale.join(', ')} since ${since}; reload it and apply your edit again`, {
      id,
      fields: stale,
      version: current,
    })
  }
  return true
}

function collectWrites(
  entities: Map<string, Slot<NogEntity>>,
  rels: Map<string, Slot<NogRelationship>>,
  input: PlanInput,
): Write[] {
  const upserts: Write[] = []
  const relDeletes: Write[] = []
  const entityDeletes: Write[] = []
  const g = input.nextVersion
  for (const slot of entities.values()) {
    const write = finish(slot, g)
    if (!write) continue
    const w = { kind: 'entity', ...write } as Write
    if (write.op === 'delete') entityDeletes.push(w)
    else upserts.push(w)
  }
  const relUpserts: Write[] = []
  for (const slot of rels.values()) {
    const write = finish(slot, g)
    if (!write) continue
    const w = { kind: 'relationship', ...write } as Write
    if (write.op === 'delete') relDeletes.push(w)
    else relUpserts.push(w)
  }
  // Events read naturally in this order: new things, then links, then unlinking, then removals.
  return [...upserts, ...relUpserts, ...relDeletes, ...entityDeletes]
}

function finish<T extends { version: number }>(
  slot: Slot<T>,
  graphVersion: number,
): { op: 'create' | 'update' | 'delete'; stored: Stored<T>; previous?: T } | undefined {
  const { original, current } = slot
  if (!current) return original ? { op: 'delete', stored: original } : undefined
  if (original && slot.changed.size === 0) return undefined
  const version = original ? original.value.version + 1 : 1
  const fieldVersions: FieldVersions = { ...(original?.fieldVersions ?? {}) }
  for (const f of slot.changed) fieldVersions[f] = [version, graphVersion]
  const stored = { value: { ...current, version }, fieldVersions }
  return original ? { op: 'update', stored, previous: original.value } : { op: 'create', stored }
}
