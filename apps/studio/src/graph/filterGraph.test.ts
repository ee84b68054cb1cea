import { describe, expect, it } from 'vitest'
import type { NogEntity, NogGraph, NogRelationship } from '@nexus/protocol'
import { allTags, countByCategory, filterGraph, neighbourhood, NO_FILTER, relationsOf } from './filterGraph.ts'

function entity(id: string, name: string, category: NogEntity['category'], tags: string[] = []): NogEntity {
  return {
    id,
    workspaceId: 'w',
    name,
    category,
    status: 'active',
    description: '',
    tags,
    properties: {},
    sourcePanel: null,
    source: 'user',
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  }
}

function rel(fromId: string, toId: string, type: NogRelationship['type'] = 'contains'): NogRelationship {
  const id = `${fromId}>${type}>${toId}`
  return {
    id,
    workspaceId: 'w',
    fromId,
    toId,
    type,
    strength: 1,
    confidence: 1,
    source: 'user',
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  }
}

const GRAPH: NogGraph = {
  entities: [
    entity('p', 'Counter', 'component'),
    entity('s', 'count', 'data'),
    entity('t', 'increment', 'action'),
    entity('c', 'Offline mode', 'concept', ['ideas', 'later']),
  ],
  relationships: [rel('p', 's'), rel('p', 't'), rel('t', 's', 'produces'), rel('c', 'p', 'related_to')],
}

const ids = (g: NogGraph) => [g.entities.map((e) => e.id), g.relationships.map((r) => r.id)]

describe('filterGraph', () => {
  it('keeps everything without a filter', () => {
    expect(ids(filterGraph(GRAPH, NO_FILTER))).toEqual(ids(GRAPH))
  })

  it('hides a category and every relationship that touches it', () => {
    const g = filterGraph(GRAPH, { ...NO_FILTER, hiddenCategories: new Set(['action'] as const) })
    expect(ids(g)).toEqual([
      ['p', 's', 'c'],
      ['p>contains>s', 'c>related_to>p'],
    ])
  })

  it('keeps only entities with one of the picked tags, and matches names case-insensitively', () => {
    expect(ids(filterGraph(GRAPH, { ...NO_FILTER, tags: new Set(['later']) }))).toEqual([['c'], []])
    expect(ids(filterGraph(GRAPH, { ...NO_FILTER, query: '  COUN ' }))).toEqual([['p', 's'], ['p>contains>s']])
  })

  it('counts categories, lists tags and splits relations by direction', () => {
    expect([...countByCategory(GRAPH.entities)]).toEqual([
      ['component', 1],
      ['data', 1],
      ['action', 1],
      ['concept', 1],
    ])
    expect(allTags(GRAPH.entities)).toEqual(['ideas', 'later'])
    const { outgoing, incoming } = relationsOf('p', GRAPH.relationships)
    expect([outgoing.map((r) => r.toId), incoming.map((r) => r.fromId)]).toEqual([['s', 't'], ['c']])
  })

  it('finds the neighbourhood of an entity in both directions', () => {
    expect([...neighbourhood('p', GRAPH.relationships)].sort()).toEqual(['c', 'p', 's', 't'])
    expect([...neighbourhood('s', GRAPH.relationships)].sort()).toEqual(['p', 's', 't'])
  })
})
