import type { EntityCategory, NogEntity, NogGraph, NogRelationship } from '@nexus/protocol'

/** What the graph view shows: categories and tags left out are hidden, `query` matches names. */
export interface GraphFilter {
  /** Categories switched off (empty: all shown). */
  hiddenCategories: ReadonlySet<EntityCategory>
  /** Tags that an entity must carry one of (empty: any). */
  tags: ReadonlySet<string>
  /** Case-insensitive substring of the name; blank: all. */
  query: string
}

export const NO_FILTER: GraphFilter = { hiddenCategories: new Set(), tags: new Set(), query: '' }

/** The entities that pass `filter` and the relationships whose two ends both pass. */
export function filterGraph(graph: NogGraph, filter: GraphFilter): NogGraph {
  const query = filter.query.trim().toLowerCase()
  const entities = graph.entities.filter(
    (e) =>
      !filter.hiddenCategories.has(e.category) &&
      (filter.tags.size === 0 || e.tags.some((t) => filter.tags.has(t))) &&
      (query === '' || e.name.toLowerCase().includes(query)),
  )
  const shown = new Set(entities.map((e) => e.id))
  const relationships = graph.relationships.filter((r) => shown.has(r.fromId) && shown.has(r.toId))
  return { entities, relationships }
}

/** How many entities of each category the graph holds, for the chips' counts. */
export function countByCategory(entities: readonly NogEntity[]): Map<EntityCategory, number> {
  const counts = new Map<EntityCategory, number>()
  for (const e of entities) counts.set(e.category, (counts.get(e.category) ?? 0) + 1)
  return counts
}

/** Every tag in the graph, sorted, for the tag chips. */
export function allTags(entities: readonly NogEntity[]): string[] {
  return [...new Set(entities.flatMap((e) => e.tags))].sort((a, b) => a.localeCompare(b))
}

/** The relationships touching `id`, split by direction, for the details pane. */
export function relationsOf(
  id: string,
  relationships: readonly NogRelationship[],
): { outgoing: NogRelationship[]; incoming: NogRelationship[] } {
  return {
    outgoing: relationships.filter((r) => r.fromId === id),
    incoming: relationships.filter((r) => r.toId === id),
  }
}

/** `id` and the entities one relationship away from it: what stays bright while `id` is selected. */
export function neighbourhood(id: string, relationships: readonly NogRelationship[]): Set<string> {
  const near = new Set([id])
  for (const r of relationships) {
    if (r.fromId === id) near.add(r.toId)
    if (r.toId === id) near.add(r.fromId)
  }
  return near
}
