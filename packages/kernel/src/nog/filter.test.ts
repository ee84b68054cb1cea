import { describe, expect, it } from 'vitest'
import { compileFilter } from './filter.ts'
import type { NogEntity } from './types.ts'

function entity(over: Partial<NogEntity>): NogEntity {
  return {
    id: 'e1',
    workspaceId: 'w',
    name: 'Billing',
    category: 'concept',
    status: 'active',
    description: '',
    tags: ['x', 'core'],
    properties: { priority: 3, owner: 'ops' },
    sourcePanel: null,
    source: 'user',
    version: 2,
    createdAt: 10,
    updatedAt: 20,
    ...over,
  }
}

function errorOf(input: unknown): string {
  const r = compileFilter(input)
  if (r.ok) throw new Error('expected an error')
  return r.error
}

describe('compileFilter', () => {
  it('compiles the documented example', () => {
    const r = compileFilter({ $and: [{ category: { eq: 'concept' } }, { tags: { in: ['x'] } }] })
    if (!r.ok) throw new Error(r.error)
    expect([r.value(entity({})), r.value(entity({ tags: ['y'] })), r.value(entity({ category: 'data' }))]).toEqual([
      true,
      false,
      false,
    ])
  })

  it('supports every operator, $or, implicit and, null and properties', () => {
    const cases: [unknown, boolean][] = [
      [{ name: { ne: 'Other' } }, true],
      [{ version: { gt: 1, lte: 2 } }, true],
      [{ version: { gte: 3 } }, false],
      [{ updatedAt: { lt: 20 } }, false],
      [{ status: { in: ['done', 'active'] } }, true],
      [{ tags: { eq: 'core' } }, true],
      [{ tags: { ne: 'core' } }, false],
      [{ sourcePanel: { eq: null } }, true],
      [{ 'properties.priority': { gte: 3 } }, true],
      [{ 'properties.priority': { gt: 'a' } }, false],
      [{ 'properties.missing': { eq: null } }, false],
      [{ $or: [{ category: { eq: 'data' } }, { 'properties.owner': { eq: 'ops' } }] }, true],
      [{ category: { eq: 'concept' }, name: { eq: 'Nope' } }, false],
    ]
    expect(
      cases.map(([f]) => {
        const r = compileFilter(f)
        return r.ok ? r.value(entity({})) : r.error
      }),
    ).toEqual(cases.map(([, want]) => want))
  })

  it('names the path of each mistake', () => {
    expect([
      errorOf({ $and: [{ category: { eq: 'concept' } }, { colour: { eq: 'red' } }] }),
      errorOf({ $and: [{}, { tags: { gt: 'x' } }] }),
      errorOf({ $or: [{ name: { gt: 'a' } }] }),
      errorOf({ version: { eq: '2' } }),
      errorOf({ tags: { in: [] } }),
      errorOf({ name: { like: 'x' } }),
      errorOf({ $and: {} }),
      errorOf([]),
      errorOf({ 'properties.x': { eq: { a: 1 } } }),
    ]).toMatchInlineSnapshot(`
      [
        "At $and[1].colour: unknown field "colour"; use one of id, name, category, status, description, source, sourcePanel, version, createdAt, updatedAt, tags, properties.<key>, $and, $or",
        "At $and[0]: expected at least one condition",
        "At $or[0].name.gt: gt compares numbers; this field is a string (use eq, ne or in)",
        "At version.eq: expected a number",
        "At tags.in: in takes a non-empty array (at most 1000) of string values",
        "At name.like: unknown operator "like"; use one of eq, ne, gt, gte, lt, lte, in",
        "At $and: $and takes a non-empty array of filters",
        "expected an object like {"category":{"eq":"concept"}} or {"$and":[…]}",
        "At properties.x.eq: expected a string, number, boolean or null",
      ]
    `)
  })

  it('bounds the size of a filter', () => {
    let deep: unknown = { name: { eq: 'x' } }
    for (let i = 0; i < 20; i++) deep = { $and: [deep] }
    expect(errorOf(deep)).toMatch(/nest at most 16 levels$/)
    const wide = { $or: Array.from({ length: 300 }, () => ({ name: { eq: 'x' } })) }
    expect(errorOf(wide)).toBe('At $or[255]: a filter may have at most 256 conditions')
  })
})

describe('category hints', () => {
  it('marks filters that pin a category so queries can use the category index', () => {
    const pinned = compileFilter({ $and: [{ category: { eq: 'concept' } }, { 'properties.size': { gt: 3 } }] })
    const free = compileFilter({ $or: [{ category: { eq: 'concept' } }, { category: { eq: 'data' } }] })
    expect(pinned.ok && pinned.value.category).toBe('concept')
    expect(free.ok && free.value.category).toBeUndefined()
  })
})
