import { describe, expect, it } from 'vitest'
import { GraphIndex } from './GraphIndex.ts'
import type { NogEntity, NogRelationship, RelationshipType } from './types.ts'

function entity(id: string, over: Partial<NogEntity> = {}): NogEntity {
  return {
    id,
    workspaceId: 'w',
    name: id,
    category: 'concept',
    status: 'active',
    description: '',
    tags: [],
    properties: {},
    sourcePanel: null,
    source: 'user',
    version: 1,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  }
}

function rel(fromId: string, toId: string, type: RelationshipType = 'related_to'): NogRelationship {
  const id = `${fromId}-${toId}`
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

const ids = (g: { entities: { id: string }[] } | undefined) => g?.entities.map((e) => e.id)

describe('GraphIndex', () => {
  // a - b - c - d,  a - e - d (a shorter way round), f alone; p is a panel's component holding s.
  const index = GraphIndex.build(
    3,
    [
      entity('a', { tags: ['x'], description: 'The Billing flow' }),
      entity('b', { category: 'data' }),
      entity('c'),
      entity('d'),
      entity('e', { tags: ['x', 'y'] }),
      entity('f'),
      entity('p', { category: 'component', sourcePanel: 'P', source: 'derived' }),
      entity('s', { category: 'data', sourcePanel: 'P', source: 'derived' }),
    ],
    [
      rel('a', 'b'),
      rel('b', 'c'),
      rel('c', 'd'),
      rel('a', 'e', 'depends_on'),
      rel('e', 'd'),
      rel('p', 's', 'contains'),
      rel('s', 'a', 'uses'),
    ],
  )

  it('finds by category, tag, text and a combination', () => {
    expect([
      ids({ entities: index.byCategory('data', 10) }),
      ids({ entities: index.byTag('x', 10) }),
      ids({ entities: index.search('billing', 10) }),
      ids({ entities: index.find({ tag: 'x', category: 'concept', text: 'BILL' }, 10) }),
      ids({ entities: index.find({ filter: (e) => e.tags.includes('y') }, 10) }),
    ]).toEqual([['b', 's'], ['a', 'e'], ['a'], ['a'], ['e']])
  })

  it('walks neighbours to a depth, optionally by type', () => {
    expect(ids(index.neighbours('a', 1))).toEqual(['a', 'b', 'e', 's'])
    expect(ids(index.neighbours('a', 2))?.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'p', 's'])
    const typed = index.neighbours('a', 3, new Set(['depends_on']))
    expect([ids(typed), typed.relationships.map((r) => r.id)]).toEqual([['a', 'e'], ['a-e']])
  })

  it('finds a shortest path over undirected edges', () => {
    const path = index.shortestPath('b', 'd')
    expect([ids(path), path?.relationships.map((r) => r.id)]).toEqual([
      ['b', 'c', 'd'],
      ['b-c', 'c-d'],
    ])
    expect(ids(index.shortestPath('p', 'd'))).toEqual(['p', 's', 'a', 'e', 'd'])
    expect(index.shortestPath('a', 'f')).toBeUndefined()
    expect(ids(index.shortestPath('f', 'f'))).toEqual(['f'])
  })

  it('gives the subgraph around a panel', () => {
    const g = index.panelSubgraph('P')
    expect([ids(g)?.sort(), g.relationships.map((r) => r.id).sort()]).toEqual([
      ['a', 'p', 's'],
      ['p-s', 's-a'],
    ])
  })

  it('stays consistent when an entity and its relationships go', () => {
    const copy = GraphIndex.build(0, [entity('a'), entity('b'), entity('c')], [rel('a', 'b'), rel('b', 'c')])
    copy.apply({ workspaceId: 'w', version: 1, changes: [{ op: 'delete', entity: entity('b') }] })
    expect([copy.version, copy.relationships.size, copy.shortestPath('a', 'c')]).toEqual([1, 0, undefined])
    copy.apply({ workspaceId: 'w', version: 2, changes: [{ op: 'update', entity: entity('a', { category: 'data' }) }] })
    expect([ids({ entities: copy.byCategory('concept', 9) }), ids({ entities: copy.byCategory('data', 9) })]).toEqual([
      ['c'],
      ['a'],
    ])
  })
})
