import { isDeepStrictEqual } from 'node:util'
import type { DerivedGraph } from './deriveFromPanel.ts'
import type { Stored, Write } from './NogRepository.ts'
import type { FieldVersions, NogEntity, NogRelationship } from './types.ts'

export interface PanelSyncInput {
  workspaceId: string
  panelId: string
  /** What the NXML implies now; undefined when the panel is gone. */
  derived: DerivedGraph | undefined
  /** The panel's derived entities as stored. */
  entities: readonly Stored<NogEntity>[]
  /** Every stored relationship touching those entities or the new ones (derived or not). */
  relationships: readonly Stored<NogRelationship>[]
  nextVersion: number
  now: number
}

const SYNCED_FIELDS = ['name', 'category', 'description', 'properties'] as const

/**
 * The writes that bring a panel's derived elements in line with its NXML: upsert what is implied, delete
 * what no longer is (with any relationship touching a deleted entity, since it would dangle). Tags and
 * status set by users on derived entities survive; user entities and relationships are never changed.
 */
export function planPanelSync(input: PanelSyncInput): Write[] {
  const { workspaceId, panelId, now, nextVersion: g } = input
  const stored = new Map(input.entities.map((s) => [s.value.id, s]))
  const wanted = new Map((input.derived?.entities ?? []).map((e) => [e.id, e]))
  const writes: Write[] = []
  const deletes: Write[] = []

  for (const d of wanted.values()) {
    const old = stored.get(d.id)
    if (!old) {
      const fieldVersions: FieldVersions = Object.fromEntries(SYNCED_FIELDS.map((f) => [f, [1, g]]))
      const value: NogEntity = {
        ...d,
        workspaceId,
        status: 'active',
        tags: [],
        sourcePanel: panelId,
        source: 'derived',
        version: 1,
        createdAt: now,
        updatedAt: now,
      }
      writes.push({ kind: 'entity', op: 'create', stored: { value, fieldVersions } })
      continue
    }
    const changed = SYNCED_FIELDS.filter((f) => !isDeepStrictEqual(old.value[f], d[f]))
    if (changed.length === 0) continue
    const version = old.value.version + 1
    const fieldVersions = { ...old.fieldVersions }
    for (const f of changed) fieldVersions[f] = [version, g]
    const value: NogEntity = { ...old.value, ...d, version, updatedAt: now }
    writes.push({ kind: 'entity', op: 'update', stored: { value, fieldVersions }, previous: old.value })
  }
  const gone = new Set<string>()
  for (const old of stored.values()) {
    if (wanted.has(old.value.id)) continue
    gone.add(old.value.id)
    deletes.push({ kind: 'entity', op: 'delete', stored: old })
  }

  const wantedRels = new Map((input.derived?.relationships ?? []).map((r) => [r.id, r]))
  const seenRels = new Set<string>()
  const relDeletes: Write[] = []
  for (const old of input.relationships) {
    const r = old.value
    seenRels.add(r.id)
    const dangling = gone.has(r.fromId) || gone.has(r.toId)
    if (dangling || (r.source === 'derived' && !wantedRels.has(r.id))) {
      relDeletes.push({ kind: 'relationship', op: 'delete', stored: old })
    }
  }
  for (const d of wantedRels.values()) {
    if (seenRels.has(d.id)) continue
    const value: NogRelationship = {
      ...d,
      workspaceId,
      strength: 1,
      confidence: 1,
      source: 'derived',
      version: 1,
      createdAt: now,
      updatedAt: now,
    }
    const fieldVersions: FieldVersions = { type: [1, g], strength: [1, g], confidence: [1, g] }
    writes.push({ kind: 'relationship', op: 'create', stored: { value, fieldVersions } })
  }
  return [...writes, ...relDeletes, ...deletes]
}
