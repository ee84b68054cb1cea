import type { PanelAst } from '@nexus/protocol'
import type { SqlRunner } from '../db/SqlRunner.ts'
import { newId } from '../accounts/secrets.ts'
import type { GraphIndex } from './GraphIndex.ts'
import { NogPanelSync } from './NogPanelSync.ts'
import { NogQueries, type EntityQuery } from './NogQueries.ts'
import { NogRepository } from './NogRepository.ts'
import { NogReview } from './NogReview.ts'
import { NogWriter, type ApplyResult } from './NogWriter.ts'
import type {
  CreateEntity,
  CreatePatch,
  CreateRelationship,
  EntityFields,
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

export { MAX_DEPTH, type EntityQuery } from './NogQueries.ts'
export type { ApplyResult } from './NogWriter.ts'

export interface NogServiceOptions {
  sql: SqlRunner
  clock?: () => number
  /** Ids for new entities, relationships and patches; random by default (inject a seeded one in tests). */
  newId?: () => string
  /** How long an AI or sync proposal waits for review before it expires: 7 days by default. */
  patchTtlMs?: number
}

/**
 * The Nexus Object Graph of each workspace (DESIGN.md §5), the one facade the HTTP routes, the sync hub and
 * `PanelService` use, over four parts: `queries` (reads from each workspace's in-memory `GraphIndex`),
 * `writer` (per-workspace queue, version per commit, one transaction, `onChange` events), `review` (patches
 * pending → approved/rejected → applied/failed/expired) and `panels` (entities derived from panels).
 */
export class NogService {
  readonly queries: NogQueries
  readonly writer: NogWriter
  readonly review: NogReview
  readonly panels: NogPanelSync

  constructor(options: NogServiceOptions) {
    const repo = new NogRepository(options.sql)
    const ids = options.newId ?? newId
    this.queries = new NogQueries(repo)
    this.writer = new NogWriter(repo, this.queries, options.clock ?? Date.now, ids)
    this.review = new NogReview(this.writer, ids, options.patchTtlMs ?? 7 * 24 * 3600 * 1000)
    this.panels = new NogPanelSync(this.writer)
  }

  onChange(listener: (event: NogChangeEvent) => void): () => void {
    return this.writer.onChange(listener)
  }

  // ---- reads (NogQueries) -------------------------------------------------------------------------------

  /** The workspace's graph in memory (loaded once, then kept current by every commit). */
  index(workspaceId: string): Promise<GraphIndex> {
    return this.queries.index(workspaceId)
  }

  /** The workspace's index if loaded: read without an `await`, it is the version the next event follows. */
  loadedIndex(workspaceId: string): GraphIndex | undefined {
    return this.queries.loadedIndex(workspaceId)
  }

  /** Forgets the cached graph (e.g. after the workspace is deleted). */
  invalidate(workspaceId: string): void {
    this.queries.invalidate(workspaceId)
  }

  summary(workspaceId: string) {
    return this.queries.summary(workspaceId)
  }

  getEntity(workspaceId: string, id: string): Promise<NogEntity> {
    return this.queries.getEntity(workspaceId, id)
  }

  getRelationship(workspaceId: string, id: string): Promise<NogRelationship> {
    return this.queries.getRelationship(workspaceId, id)
  }

  findEntities(workspaceId: string, query: EntityQuery = {}): Promise<NogEntity[]> {
    return this.queries.findEntities(workspaceId, query)
  }

  relationshipsOf(workspaceId: string, entityId: string): Promise<NogRelationship[]> {
    return this.queries.relationshipsOf(workspaceId, entityId)
  }

  neighbours(workspaceId: string, id: string, depth = 1, types?: RelationshipType[]): Promise<NogGraph> {
    return this.queries.neighbours(workspaceId, id, depth, types)
  }

  shortestPath(workspaceId: string, from: string, to: string): Promise<NogGraph | undefined> {
    return this.queries.shortestPath(workspaceId, from, to)
  }

  panelSubgraph(workspaceId: string, panelId: string): Promise<NogGraph> {
    return this.queries.panelSubgraph(workspaceId, panelId)
  }

  // ---- user edits (NogWriter) ---------------------------------------------------------------------------

  createEntity(workspaceId: string, input: CreateEntity) {
    return this.writer.createEntity(workspaceId, input)
  }

  updateEntity(workspaceId: string, id: string, input: EntityFields & { baseVersion?: number }) {
    return this.writer.updateEntity(workspaceId, id, input)
  }

  deleteEntity(workspaceId: string, id: string, baseVersion?: number): Promise<ApplyResult> {
    return this.writer.deleteEntity(workspaceId, id, baseVersion)
  }

  createRelationship(workspaceId: string, input: CreateRelationship) {
    return this.writer.createRelationship(workspaceId, input)
  }

  updateRelationship(workspaceId: string, id: string, input: RelationshipFields & { baseVersion?: number }) {
    return this.writer.updateRelationship(workspaceId, id, input)
  }

  deleteRelationship(workspaceId: string, id: string, baseVersion?: number): Promise<ApplyResult> {
    return this.writer.deleteRelationship(workspaceId, id, baseVersion)
  }

  applyOps(workspaceId: string, ops: readonly NogOp[], options: { baseVersion?: number; source?: 'user' | 'ai' } = {}) {
    return this.writer.applyOps(workspaceId, ops, options)
  }

  // ---- panels (NogPanelSync) ----------------------------------------------------------------------------

  syncPanel(workspaceId: string, panelId: string, title: string, ast: PanelAst): Promise<ApplyResult> {
    return this.panels.syncPanel(workspaceId, panelId, title, ast)
  }

  removePanel(workspaceId: string, panelId: string): Promise<ApplyResult> {
    return this.panels.removePanel(workspaceId, panelId)
  }

  // ---- patches (NogReview) ------------------------------------------------------------------------------

  submitPatch(workspaceId: string, input: CreatePatch, author: string | null): Promise<NogPatch> {
    return this.review.submitPatch(workspaceId, input, author)
  }

  approvePatch(workspaceId: string, id: string, reviewer: string): Promise<NogPatch> {
    return this.review.approvePatch(workspaceId, id, reviewer)
  }

  rejectPatch(workspaceId: string, id: string, reviewer: string, reason: string): Promise<NogPatch> {
    return this.review.rejectPatch(workspaceId, id, reviewer, reason)
  }

  getPatch(workspaceId: string, id: string): Promise<NogPatch> {
    return this.review.getPatch(workspaceId, id)
  }

  listPatches(workspaceId: string, status?: PatchStatus, limit?: number): Promise<NogPatch[]> {
    return this.review.listPatches(workspaceId, status, limit)
  }

  /** Expires every pending proposal past its time, in all workspaces (run it on a timer); returns how many. */
  expirePatches(): Promise<number> {
    return this.review.expirePatches()
  }
}
