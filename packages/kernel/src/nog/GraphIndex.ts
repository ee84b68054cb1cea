import type { EntityPredicate } from './filter.ts'
import { PathIndex } from './PathIndex.ts'
import { PropertyIndex } from './PropertyIndex.ts'
import { TrigramIndex } from './TrigramIndex.ts'
import type { NogChangeEvent, NogEntity, NogGraph, NogRelationship, RelationshipType } from './types.ts'

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key)
  if (!set) map.set(key, (set = new Set()))
  set.add(id)
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key)
  if (!set) return
  set.delete(id)
  if (set.size === 0) map.delete(key)
}

/**
 * One workspace's graph in memory: entities and relationships by id, an undirected adjacency list and
 * secondary indexes (category, tag, source panel, property values), so queries never touch the database.
 */
export class GraphIndex {
  readonly entities = new Map<string, NogEntity>()
  readonly relationships = new Map<string, NogRelationship>()
  /** Entity id → ids of the relationships that touch it (either direction). */
  private readonly adjacency = new Map<string, Set<string>>()
  private readonly categories = new Map<string, Set<string>>()
  private readonly tags = new Map<string, Set<string>>()
  private readonly panels = new Map<string, Set<string>>()
  /** `name\0description`, for case-insensitive substring search. */
  private readonly text = new TrigramIndex()
  private readonly properties = new PropertyIndex()
  private readonly paths = new PathIndex()

  constructor(public version = 0) {}

  static build(version: number, entities: NogEntity[], relationships: NogRelationship[]): GraphIndex {
    const index = new GraphIndex(version)
    for (const e of entities) index.putEntity(e)
    for (const r of relationships) index.putRelationship(r)
    return index
  }

  putEntity(entity: NogEntity): void {
    this.removeEntityIndexes(entity.id)
    this.entities.set(entity.id, entity)
    addTo(this.categories, entity.category, entity.id)
    for (const tag of entity.tags) addTo(this.tags, tag, entity.id)
    if (entity.sourcePanel !== null) addTo(this.panels, entity.sourcePanel, entity.id)
    this.text.set(entity.id, `${entity.name}\0${entity.description}`)
    this.properties.add(entity)
    this.paths.addEntity(entity.id)
  }

  removeEntity(id: string): void {
    this.removeEntityIndexes(id)
    this.entities.delete(id)
    for (const relId of this.adjacency.get(id) ?? []) this.removeRelationship(relId)
    this.adjacency.delete(id)
    this.paths.removeEntity(id)
  }

  private removeEntityIndexes(id: string): void {
    const old = this.entities.get(id)
    if (!old) return
    removeFrom(this.categories, old.category, id)
    for (const tag of old.tags) removeFrom(this.tags, tag, id)
    if (old.sourcePanel !== null) removeFrom(this.panels, old.sourcePanel, id)
    this.text.delete(id)
    this.properties.remove(old)
  }

  putRelationship(rel: NogRelationship): void {
    this.removeRelationship(rel.id)
    this.relationships.set(rel.id, rel)
    addTo(this.adjacency, rel.fromId, rel.id)
    addTo(this.adjacency, rel.toId, rel.id)
    this.paths.addRelationship(rel.id, rel.fromId, rel.toId)
  }

  removeRelationship(id: string): void {
    const old = this.relationships.get(id)
    if (!old) return
    this.relationships.delete(id)
    this.adjacency.get(old.fromId)?.delete(id)
    this.adjacency.get(old.toId)?.delete(id)
    this.paths.removeRelationship(id, old.fromId, old.toId)
  }

  /** Brings the index up to a committed change. */
  apply(event: NogChangeEvent): void {
    for (const change of event.changes) {
      if ('entity' in change) {
        if (change.op === 'delete') this.removeEntity(change.entity.id)
        else this.putEntity(change.entity)
      } else if (change.op === 'delete') this.removeRelationship(change.relationship.id)
      else this.putRelationship(change.relationship)
    }
    this.version = event.version
  }

  byCategory(category: string, limit: number): NogEntity[] {
    return this.pick(this.categories.get(category), limit)
  }

  byTag(tag: string, limit: number): NogEntity[] {
    return this.pick(this.tags.get(tag), limit)
  }

  byPanel(panelId: string): NogEntity[] {
    return this.pick(this.panels.get(panelId), Infinity)
  }

  /** Entities whose name or description contains `text`, ignoring case. */
  search(text: string, limit: number): NogEntity[] {
    const out: NogEntity[] = []
    for (const id of this.text.search(text)) {
      out.push(this.entities.get(id)!)
      if (out.length >= limit) break
    }
    return out
  }

  /**
   * Entities matching every given criterion. Candidates come from the smallest index that applies (tag,
   * category, a property range of the filter; text when none does); each is checked against every criterion,
   * so the result is the scan's. Past `limit` matches, which ones come back depends on that index.
   */
  find(query: { category?: string; tag?: string; text?: string; filter?: EntityPredicate }, limit: number) {
    const category = query.category ?? query.filter?.category
    const needle = query.text?.toLowerCase()
    const out: NogEntity[] = []
    for (const id of this.candidates(query.tag, category, query.text, query.filter)) {
      const e = this.entities.get(id)!
      if (category !== undefined && e.category !== category) continue
      if (query.tag !== undefined && !e.tags.includes(query.tag)) continue
      if (needle !== undefined && !this.text.get(id)?.includes(needle)) continue
      if (query.filter && !query.filter(e)) continue
      out.push(e)
      if (out.length >= limit) break
    }
    return out
  }

  private candidates(
    tag: string | undefined,
    category: string | undefined,
    text: string | undefined,
    filter: EntityPredicate | undefined,
  ): Iterable<string> {
    let best: { size: number; ids: () => Iterable<string> } | undefined
    const offer = (size: number, ids: () => Iterable<string>) => {
      if (!best || size < best.size) best = { size, ids }
    }
    if (tag !== undefined) offer(this.tags.get(tag)?.size ?? 0, () => this.tags.get(tag) ?? [])
    if (category !== undefined)
      offer(this.categories.get(category)?.size ?? 0, () => this.categories.get(category) ?? [])
    for (const hint of filter?.properties ?? []) offer(this.properties.count(hint), () => this.properties.ids(hint))
    if (best) return best.ids()
    return text !== undefined ? this.text.search(text) : this.entities.keys()
  }

  relationshipsOf(id: string): NogRelationship[] {
    return [...(this.adjacency.get(id) ?? [])].map((r) => this.relationships.get(r)!)
  }

  /** Entities within `depth` hops of `id` (either direction), with the relationships among them. */
  neighbours(id: string, depth: number, types?: ReadonlySet<RelationshipType>, limit = 10_000): NogGraph {
    const seen = new Set([id])
    let frontier = [id]
    for (let d = 0; d < depth && frontier.length > 0 && seen.size < limit; d++) {
      const next: string[] = []
      for (const node of frontier) {
        for (const relId of this.adjacency.get(node) ?? []) {
          const rel = this.relationships.get(relId)!
          if (types && !types.has(rel.type)) continue
          const other = rel.fromId === node ? rel.toId : rel.fromId
          if (seen.has(other) || seen.size >= limit) continue
          seen.add(other)
          next.push(other)
        }
      }
      frontier = next
    }
    return this.induced(seen, types)
  }

  /** The entities in `ids` and every relationship between two of them. */
  induced(ids: ReadonlySet<string>, types?: ReadonlySet<RelationshipType>): NogGraph {
    const entities: NogEntity[] = []
    const relationships = new Map<string, NogRelationship>()
    for (const id of ids) {
      const e = this.entities.get(id)
      if (!e) continue
      entities.push(e)
      for (const relId of this.adjacency.get(id) ?? []) {
        const rel = this.relationships.get(relId)!
        if (ids.has(rel.fromId) && ids.has(rel.toId) && (!types || types.has(rel.type))) relationships.set(relId, rel)
      }
    }
    return { entities, relationships: [...relationships.values()] }
  }

  /**
   * A shortest path over undirected edges: entities from `from` to `to` in order and the relationship
   * taken at each step; undefined when they are not connected (see `PathIndex`).
   */
  shortestPath(from: string, to: string): NogGraph | undefined {
    if (!this.entities.has(from) || !this.entities.has(to)) return undefined
    const found = this.paths.shortestPath(from, to)
    return (
      found && {
        entities: found.nodes.map((id) => this.entities.get(id)!),
        relationships: found.relationships.map((id) => this.relationships.get(id)!),
      }
    )
  }

  /** A panel's derived entities plus everything one hop away, with the relationships among them. */
  panelSubgraph(panelId: string): NogGraph {
    const ids = new Set<string>()
    for (const e of this.byPanel(panelId)) {
      ids.add(e.id)
      for (const relId of this.adjacency.get(e.id) ?? []) {
        const rel = this.relationships.get(relId)!
        ids.add(rel.fromId)
        ids.add(rel.toId)
      }
    }
    return this.induced(ids)
  }

  private pick(ids: Set<string> | undefined, limit: number): NogEntity[] {
    const out: NogEntity[] = []
    for (const id of ids ?? []) {
      if (out.length >= limit) break
      out.push(this.entities.get(id)!)
    }
    return out
  }
}
