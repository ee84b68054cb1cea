import type { SQL } from 'drizzle-orm'
import type { PanelAst } from '@nexus/protocol'
import type { SqlRunner } from '../db/SqlRunner.ts'
import { newId } from '../accounts/secrets.ts'
import { KeyedQueue } from '../KeyedQueue.ts'
import { KernelError, notFound } from '../errors.ts'
import { outboxInserts } from '../panels/HistoryOutbox.ts'
import { deriveFromPanel } from './deriveFromPanel.ts'
import type { EntityPredicate } from './filter.ts'
import { GraphIndex } from './GraphIndex.ts'
import { graphHistoryEvent } from './graphHistory.ts'
import { NogRepository, type Stored, type Write } from './NogRepository.ts'
import { planOps } from './planOps.ts'
import { planPanelSync } from './planPanelSync.ts'
import type {
  CreateEntity,
  CreatePatch,
  CreateRelationship,
  EntityFields,
  NogChange,
  NogChangeEvent,
  NogEntity,
  NogGraph,
  NogOp,
  NogPatch,
  NogRelationship,
  PatchStatus,
  RelationshipFields,
  RelationshipType,
} from './types.ts'

export interface NogServiceOptions {
  sql: SqlRunner
  clock?: () => number
  /** Ids for new entities, relationships and patches; random by default (inject a seeded one in tests). */
  newId?: () => string
  /** How long an AI or sync proposal waits for review before it expires: 7 days by default. */
  patchTtlMs?: number
}

export interface EntityQuery {
  category?: string
  tag?: string
  /** Case-insensitive substring of the name or description. */
  text?: string
  filter?: EntityPredicate
  limit?: number
}

/** The outcome of applied operations: the new graph version and what changed. */
export interface ApplyResult {
  version: number
  changes: NogChange[]
  /** True when an edit made against an older version was merged over newer, non-conflicting changes. */
  rebased: boolean
}

export const MAX_DEPTH = 6
const DEFAULT_LIMIT = 100
const MAX_LIMIT = 10_000

/**
 * The Nexus Object Graph of each workspace (DESIGN.md §5). Writes run one at a time per workspace, commit
 * in one transaction, then update the in-memory index and notify `onChange` listeners synchronously.
 * Reads are served from a per-workspace `GraphIndex`, loaded on first use.
 */
export class NogService {
  private readonly repo: NogRepository
  private readonly clock: () => number
  private readonly newId: () => string
  private readonly patchTtlMs: number
  private readonly listeners = new Set<(event: NogChangeEvent) => void>()
  private readonly graphs = new Map<string, GraphIndex>()
  private readonly loading = new Map<string, Promise<GraphIndex>>()
  /** One write at a time per graph (workspace). */
  private readonly queue = new KeyedQueue()

  constructor(options: NogServiceOptions) {
    this.repo = new NogRepository(options.sql)
    this.clock = options.clock ?? Date.now
    this.newId = options.newId ?? newId
    this.patchTtlMs = options.patchTtlMs ?? 7 * 24 * 3600 * 1000
  }

  onChange(listener: (event: NogChangeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  // ---- reads -------------------------------------------------------------------------------------------

  /** The workspace's graph in memory (loaded once, then kept current by every commit). */
  async index(workspaceId: string): Promise<GraphIndex> {
    const ready = this.graphs.get(workspaceId)
    if (ready) return ready
    let pending = this.loading.get(workspaceId)
    if (!pending) {
      const load: Promise<GraphIndex> = this.repo.loadGraph(workspaceId).then((g) => {
        const index = GraphIndex.build(g.version, g.entities, g.relationships)
        // A commit while loading drops `load` from the map: its result may be stale, so it is not kept.
        if (this.loading.get(workspaceId) === load) {
          this.loading.delete(workspaceId)
          this.graphs.set(workspaceId, index)
        }
        return index
      })
      this.loading.set(workspaceId, load)
      pending = load
    }
    return pending
  }

  /**
   * The workspace's index if loaded, else undefined. Commits update it in place, so what is read from it
   * without an `await` in between is one consistent version: the one the next `onChange` event follows.
   */
  loadedIndex(workspaceId: string): GraphIndex | undefined {
    return this.graphs.get(workspaceId)
  }

  /** Forgets the cached graph (e.g. after the workspace is deleted). */
  invalidate(workspaceId: string): void {
    this.graphs.delete(workspaceId)
    this.loading.delete(workspaceId)
  }

  async summary(workspaceId: string): Promise<{ version: number; entities: number; relationships: number }> {
    const g = await this.index(workspaceId)
    return { version: g.version, entities: g.entities.size, relationships: g.relationships.size }
  }

  async getEntity(workspaceId: string, id: string): Promise<NogEntity> {
    const e = (await this.index(workspaceId)).entities.get(id)
    if (!e) throw notFound(`Entity "${id}"`)
    return e
  }

  async getRelationship(workspaceId: string, id: string): Promise<NogRelationship> {
    const r = (await this.index(workspaceId)).relationships.get(id)
    if (!r) throw notFound(`Relationship "${id}"`)
    return r
  }

  async findEntities(workspaceId: string, query: EntityQuery = {}): Promise<NogEntity[]> {
    const limit = Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT)
    return (await this.index(workspaceId)).find(query, limit)
  }

  async relationshipsOf(workspaceId: string, entityId: string): Promise<NogRelationship[]> {
    await this.getEntity(workspaceId, entityId)
    return (await this.index(workspaceId)).relationshipsOf(entityId)
  }

  /** Entities within `depth` (1..MAX_DEPTH) hops of `id`, optionally following only `types`. */
  async neighbours(workspaceId: string, id: string, depth = 1, types?: RelationshipType[]): Promise<NogGraph> {
    await this.getEntity(workspaceId, id)
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
      throw new KernelError('BAD_REQUEST', `depth must be an integer from 1 to ${MAX_DEPTH}`, 400)
    }
    return (await this.index(workspaceId)).neighbours(id, depth, types && new Set(types))
  }

  /** A shortest undirected path, or undefined when the two are not connected. */
  async shortestPath(workspaceId: string, from: string, to: string): Promise<NogGraph | undefined> {
    await this.getEntity(workspaceId, from)
    await this.getEntity(workspaceId, to)
    return (await this.index(workspaceId)).shortestPath(from, to)
  }

  async panelSubgraph(workspaceId: string, panelId: string): Promise<NogGraph> {
    return (await this.index(workspaceId)).panelSubgraph(panelId)
  }

  // ---- user edits (each one a user patch that applies at once) -----------------------------------------

  async createEntity(workspaceId: string, input: CreateEntity): Promise<{ entity: NogEntity; version: number }> {
    const result = await this.applyOps(workspaceId, [{ op: 'create_entity', entity: input }])
    return { entity: entityOf(result.changes, 'create')!, version: result.version }
  }

  async updateEntity(workspaceId: string, id: string, input: EntityFields & { baseVersion?: number }) {
    const { baseVersion, ...set } = input
    const result = await this.applyOps(workspaceId, [{ op: 'update_entity', id, baseVersion, set }])
    const entity = entityOf(result.changes, 'update') ?? (await this.getEntity(workspaceId, id))
    return { entity, version: result.version, rebased: result.rebased }
  }

  async deleteEntity(workspaceId: string, id: string, baseVersion?: number): Promise<ApplyResult> {
    return this.applyOps(workspaceId, [{ op: 'delete_entity', id, baseVersion }])
  }

  async createRelationship(workspaceId: string, input: CreateRelationship) {
    const result = await this.applyOps(workspaceId, [{ op: 'create_relationship', relationship: input }])
    return { relationship: relationshipOf(result.changes)!, version: result.version }
  }

  async updateRelationship(workspaceId: string, id: string, input: RelationshipFields & { baseVersion?: number }) {
    const { baseVersion, ...set } = input
    const result = await this.applyOps(workspaceId, [{ op: 'update_relationship', id, baseVersion, set }])
    const relationship = relationshipOf(result.changes) ?? (await this.getRelationship(workspaceId, id))
    return { relationship, version: result.version, rebased: result.rebased }
  }

  async deleteRelationship(workspaceId: string, id: string, baseVersion?: number): Promise<ApplyResult> {
    return this.applyOps(workspaceId, [{ op: 'delete_relationship', id, baseVersion }])
  }

  /** Applies `ops` at once, all or none; throws the first problem (CONFLICT, NOT_FOUND, NOG_DERIVED…). */
  async applyOps(
    workspaceId: string,
    ops: readonly NogOp[],
    options: { baseVersion?: number; source?: 'user' | 'ai' } = {},
  ): Promise<ApplyResult> {
    return this.queue.run(workspaceId, async () => {
      const planned = await this.plan(workspaceId, ops, options.baseVersion, options.source ?? 'user')
      if (!planned.ok) throw planned.error
      return this.commit(workspaceId, planned.writes, planned.previous, planned.rebased)
    })
  }

  // ---- panels -----------------------------------------------------------------------------------------

  /** Brings the entities derived from a panel's NXML up to date; user entities and relationships stay. */
  async syncPanel(workspaceId: string, panelId: string, title: string, ast: PanelAst): Promise<ApplyResult> {
    return this.syncDerived(workspaceId, panelId, deriveFromPanel(panelId, title, ast))
  }

  /** Deletes a panel's derived entities and every relationship touching them. */
  async removePanel(workspaceId: string, panelId: string): Promise<ApplyResult> {
    return this.syncDerived(workspaceId, panelId, undefined)
  }

  private syncDerived(workspaceId: string, panelId: string, derived: ReturnType<typeof deriveFromPanel> | undefined) {
    return this.queue.run(workspaceId, async () => {
      const previous = await this.repo.graphVersion(workspaceId)
      const entities = await this.repo.panelEntities(workspaceId, panelId)
      const ids = new Set([...entities.map((s) => s.value.id), ...(derived?.entities.map((e) => e.id) ?? [])])
      const relationships = await this.repo.relationshipsTouching(workspaceId, [...ids])
      const writes = planPanelSync({
        workspaceId,
        panelId,
        derived,
        entities,
        relationships,
        nextVersion: previous + 1,
        now: this.clock(),
      })
      return this.commit(workspaceId, writes, previous, false)
    })
  }

  // ---- patches ----------------------------------------------------------------------------------------

  /**
   * Records a patch. A `user` patch applies at once (status `applied`, or `failed` with the reason);
   * `ai` and `sync` proposals stay `pending` until approved, rejected or expired.
   */
  async submitPatch(workspaceId: string, input: CreatePatch, author: string | null): Promise<NogPatch> {
    return this.queue.run(workspaceId, async () => {
      const now = this.clock()
      const current = await this.repo.graphVersion(workspaceId)
      const patch: NogPatch = {
        id: this.newId(),
        workspaceId,
        status: 'pending',
        source: input.source,
        author,
        summary: input.summary,
        baseVersion: input.baseVersion ?? current,
        ops: input.ops,
        reason: null,
        reviewedBy: null,
        appliedVersion: null,
        createdAt: now,
        updatedAt: now,
        expiresAt: now + this.patchTtlMs,
      }
      if (input.source !== 'user') {
        await this.repo.run(this.repo.insertPatch(patch))
        return patch
      }
      patch.reviewedBy = author
      return this.applyPatch(patch, (p) => this.repo.insertPatch(p))
    })
  }

  /** Approves a pending proposal and applies it: the result is `applied`, or `failed` with the reason. */
  async approvePatch(workspaceId: string, id: string, reviewer: string): Promise<NogPatch> {
    return this.queue.run(workspaceId, async () => {
      const patch = await this.pendingPatch(workspaceId, id, 'approve')
      const approved: NogPatch = { ...patch, status: 'approved', reviewedBy: reviewer, updatedAt: this.clock() }
      if ((await this.repo.run(this.repo.updatePatch(approved, 'pending'))) !== 1) throw notPending(id, 'changed')
      return this.applyPatch(approved, (p) => this.repo.updatePatch(p, 'approved'))
    })
  }

  async rejectPatch(workspaceId: string, id: string, reviewer: string, reason: string): Promise<NogPatch> {
    return this.queue.run(workspaceId, async () => {
      const patch = await this.pendingPatch(workspaceId, id, 'reject')
      const rejected: NogPatch = {
        ...patch,
        status: 'rejected',
        reason: reason || null,
        reviewedBy: reviewer,
        updatedAt: this.clock(),
      }
      if ((await this.repo.run(this.repo.updatePatch(rejected, 'pending'))) !== 1) throw notPending(id, 'changed')
      return rejected
    })
  }

  async getPatch(workspaceId: string, id: string): Promise<NogPatch> {
    await this.repo.expire(this.clock(), workspaceId)
    const patch = await this.repo.patch(workspaceId, id)
    if (!patch) throw notFound(`Patch "${id}"`)
    return patch
  }

  async listPatches(workspaceId: string, status?: PatchStatus, limit = DEFAULT_LIMIT): Promise<NogPatch[]> {
    await this.repo.expire(this.clock(), workspaceId)
    return this.repo.listPatches(workspaceId, status, Math.min(limit, 1000))
  }

  /** Expires every pending proposal past its time, in all workspaces (run it on a timer); returns how many. */
  async expirePatches(): Promise<number> {
    return this.repo.expire(this.clock())
  }

  private async pendingPatch(workspaceId: string, id: string, action: string): Promise<NogPatch> {
    const patch = await this.getPatch(workspaceId, id)
    if (patch.status !== 'pending') throw notPending(id, patch.status, action)
    return patch
  }

  /** Plans and commits `patch`; `record` writes its final row (applied in the same transaction, or failed). */
  private async applyPatch(patch: NogPatch, record: (p: NogPatch) => SQL): Promise<NogPatch> {
    const source = patch.source === 'ai' ? 'ai' : 'user'
    const planned = await this.plan(patch.workspaceId, patch.ops, patch.baseVersion, source)
    const now = this.clock()
    if (!planned.ok) {
      const failed: NogPatch = { ...patch, status: 'failed', reason: planned.error.message, updatedAt: now }
      await this.repo.run(record(failed))
      return failed
    }
    const version = planned.writes.length > 0 ? planned.previous + 1 : planned.previous
    const applied: NogPatch = { ...patch, status: 'applied', appliedVersion: version, updatedAt: now }
    await this.commit(patch.workspaceId, planned.writes, planned.previous, planned.rebased, [record(applied)])
    return applied
  }

  // ---- plumbing ---------------------------------------------------------------------------------------

  private async plan(
    workspaceId: string,
    ops: readonly NogOp[],
    baseVersion: number | undefined,
    source: 'user' | 'ai',
  ) {
    const previous = await this.repo.graphVersion(workspaceId)
    if (baseVersion !== undefined && baseVersion > previous) {
      const error = new KernelError('CONFLICT', `The graph is at version ${previous}, not ${baseVersion}`, 409)
      return { ok: false as const, error }
    }
    const entityIds = new Set<string>()
    const relIds = new Set<string>()
    const deleted: string[] = []
    for (const op of ops) {
      if (op.op === 'create_entity') {
        if (op.entity.id) entityIds.add(op.entity.id)
      } else if (op.op === 'create_relationship') {
        entityIds.add(op.relationship.fromId).add(op.relationship.toId)
        if (op.relationship.id) relIds.add(op.relationship.id)
      } else if (op.op.endsWith('_entity')) {
        entityIds.add(op.id)
        if (op.op === 'delete_entity') deleted.push(op.id)
      } else relIds.add(op.id)
    }
    const entities = await this.repo.entities(workspaceId, [...entityIds])
    const rels = [
      ...(await this.repo.relationships(workspaceId, [...relIds])),
      ...(await this.repo.relationshipsTouching(workspaceId, deleted)),
    ]
    const result = planOps({
      workspaceId,
      ops,
      entities: new Map(entities.map((s) => [s.value.id, s])),
      relationships: new Map<string, Stored<NogRelationship>>(rels.map((s) => [s.value.id, s])),
      baseVersion,
      nextVersion: previous + 1,
      source,
      now: this.clock(),
      newId: this.newId,
    })
    return result.ok ? { ...result, previous } : result
  }

  /**
   * Writes atomically, with the commit's TriLog history in the same transaction (`trilog_outbox`, relayed by
   * `HistoryRelay`), then brings the cached index up to date and tells listeners.
   */
  private async commit(
    workspaceId: string,
    writes: Write[],
    previous: number,
    rebased: boolean,
    extra: SQL[] = [],
  ): Promise<ApplyResult> {
    if (writes.length === 0) {
      if (extra.length > 0) await this.repo.batch(extra)
      return { version: previous, changes: [], rebased }
    }
    const version = previous + 1
    const now = this.clock()
    const history = outboxInserts([graphHistoryEvent(workspaceId, writes, version, now)], now)
    await this.repo.batch([...this.repo.writeStatements(workspaceId, writes, previous, version), ...history, ...extra])
    const changes = writes.map(toChange)
    const event: NogChangeEvent = { workspaceId, version, changes }
    this.loading.delete(workspaceId)
    this.graphs.get(workspaceId)?.apply(event)
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (error) {
        console.error('[nog] change listener failed', error)
      }
    }
    return { version, changes, rebased }
  }
}

function toChange(w: Write): NogChange {
  return w.kind === 'entity'
    ? { op: w.op, entity: w.stored.value, previous: w.previous }
    : { op: w.op, relationship: w.stored.value, previous: w.previous }
}

function entityOf(changes: NogChange[], op: NogChange['op']): NogEntity | undefined {
  for (const c of changes) if ('entity' in c && c.op === op) return c.entity
  return undefined
}

function relationshipOf(changes: NogChange[]): NogRelationship | undefined {
  for (const c of changes) if ('relationship' in c && c.op !== 'delete') return c.relationship
  return undefined
}

function notPending(id: string, status: string, action = 'review'): KernelError {
  return new KernelError(
    'PATCH_NOT_PENDING',
    `Patch "${id}" is ${status}; only pending patches can be ${action === 'approve' ? 'approved' : action === 'reject' ? 'rejected' : 'reviewed'}`,
    409,
  )
}
