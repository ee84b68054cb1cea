import type { SQL } from 'drizzle-orm'
import { KernelError } from '../errors.ts'
import { KeyedQueue } from '../KeyedQueue.ts'
import { outboxInserts } from '../panels/HistoryOutbox.ts'
import { graphHistoryEvent } from './graphHistory.ts'
import type { NogQueries } from './NogQueries.ts'
import type { NogRepository, Stored, Write } from './NogRepository.ts'
import { planOps } from './planOps.ts'
import type {
  CreateEntity,
  CreateRelationship,
  EntityFields,
  NogChange,
  NogChangeEvent,
  NogEntity,
  NogOp,
  NogRelationship,
  RelationshipFields,
} from './types.ts'

/** The outcome of applied operations: the new graph version and what changed. */
export interface ApplyResult {
  version: number
  changes: NogChange[]
  /** True when an edit made against an older version was merged over newer, non-conflicting changes. */
  rebased: boolean
}

/**
 * Writes to the graph: one at a time per workspace (`inQueue`), planned against the current version
 * (`plan`), committed in one transaction with the commit's history (`commit`), which then brings the loaded
 * index up to date and tells `onChange` listeners synchronously. User edits are one-op patches applied at once.
 */
export class NogWriter {
  private readonly listeners = new Set<(event: NogChangeEvent) => void>()
  /** One write at a time per graph (workspace). */
  private readonly queue = new KeyedQueue()

  constructor(
    readonly repo: NogRepository,
    private readonly queries: NogQueries,
    readonly clock: () => number,
    private readonly newId: () => string,
  ) {}

  onChange(listener: (event: NogChangeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** `work` after every write queued before it on the workspace's graph. */
  inQueue<T>(workspaceId: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(workspaceId, work)
  }

  async createEntity(workspaceId: string, input: CreateEntity): Promise<{ entity: NogEntity; version: number }> {
    const result = await this.applyOps(workspaceId, [{ op: 'create_entity', entity: input }])
    return { entity: entityOf(result.changes, 'create')!, version: result.version }
  }

  async updateEntity(workspaceId: string, id: string, input: EntityFields & { baseVersion?: number }) {
    const { baseVersion, ...set } = input
    const result = await this.applyOps(workspaceId, [{ op: 'update_entity', id, baseVersion, set }])
    const entity = entityOf(result.changes, 'update') ?? (await this.queries.getEntity(workspaceId, id))
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
    const relationship = relationshipOf(result.changes) ?? (await this.queries.getRelationship(workspaceId, id))
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
    return this.inQueue(workspaceId, async () => {
      const planned = await this.plan(workspaceId, ops, options.baseVersion, options.source ?? 'user')
      if (!planned.ok) throw planned.error
      return this.commit(workspaceId, planned.writes, planned.previous, planned.rebased)
    })
  }

  /** Reads what `ops` touch and plans their writes against the graph's current version (inside the queue). */
  async plan(workspaceId: string, ops: readonly NogOp[], baseVersion: number | undefined, source: 'user' | 'ai') {
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
  async commit(
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
    this.queries.applied(event)
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
