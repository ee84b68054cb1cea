import { KernelError, notFound } from '../errors.ts'
import type { EntityPredicate } from './filter.ts'
import { GraphIndex } from './GraphIndex.ts'
import type { NogRepository } from './NogRepository.ts'
import type { NogChangeEvent, NogEntity, NogGraph, NogRelationship, RelationshipType } from './types.ts'

export interface EntityQuery {
  category?: string
  tag?: string
  /** Case-insensitive substring of the name or description. */
  text?: string
  filter?: EntityPredicate
  limit?: number
}

export const MAX_DEPTH = 6
export const DEFAULT_LIMIT = 100
const MAX_LIMIT = 10_000

/**
 * Reads of the graph: each workspace's `GraphIndex` in memory, loaded on first use and kept current by every
 * commit (`applied`), and the queries served from it (entities, relationships, neighbours, paths).
 */
export class NogQueries {
  private readonly graphs = new Map<string, GraphIndex>()
  private readonly loading = new Map<string, Promise<GraphIndex>>()

  constructor(private readonly repo: NogRepository) {}

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

  /** A commit of the workspace: the loaded index follows it in place; a load under way may be stale, so it is dropped. */
  applied(event: NogChangeEvent): void {
    this.loading.delete(event.workspaceId)
    this.graphs.get(event.workspaceId)?.apply(event)
  }
}
