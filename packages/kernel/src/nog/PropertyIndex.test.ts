import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Json } from '@nexus/protocol'
import { compileFilter } from './filter.ts'
import { GraphIndex } from './GraphIndex.ts'
import { propertyHints } from './propertyHints.ts'
import type { EntityCategory, NogEntity } from './types.ts'

// Few distinct values, so ranges, ties, -0 and mixed types meet often.
const VALUE = fc.constantFrom<Json>(-3, -0, 0, 1, 1.5, 2, 10, 1e9, '', 'a', 'ab', 'B', '10', '9', true, false, null)
const KEY = fc.constantFrom('p', 'q', 'r')
const CATEGORY = fc.constantFrom<EntityCategory>('concept', 'data')
const OP = fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in')

const properties = fc.dictionary(KEY, VALUE, { maxKeys: 3 })

/** One field condition; `in` takes a list, the order operators a number or a string. */
const condition = fc.oneof(
  fc.tuple(KEY, OP, VALUE, fc.array(VALUE, { minLength: 1, maxLength: 4 })).map(([key, op, value, list]) => {
    const operand =
      op === 'in' ? list : ['gt', 'gte', 'lt', 'lte'].includes(op) && typeof value !== 'number' ? String(value) : value
    return { [`properties.${key}`]: { [op]: operand } }
  }),
  CATEGORY.map((c) => ({ category: { eq: c } })),
)
const filter: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    condition,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((parts) => ({ $and: parts })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((parts) => ({ $or: parts })),
    // Several conditions on one key in one node narrow each other.
    fc.tuple(KEY, VALUE, VALUE).map(([key, a, b]) => ({
      [`properties.${key}`]: { gte: typeof a === 'number' ? a : String(a), lt: typeof b === 'number' ? b : String(b) },
    })),
  ),
})).node

type Step = { put: number; category: EntityCategory; properties: Record<string, Json> } | { remove: number }
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ put: fc.nat(60), category: CATEGORY, properties }) },
  { weight: 1, arbitrary: fc.record({ remove: fc.nat(60) }) },
)

function entity(n: number, category: EntityCategory, props: Record<string, Json>): NogEntity {
  return {
    id: `e${n}`,
    workspaceId: 'w',
    name: `e${n}`,
    category,
    status: 'active',
    description: '',
    tags: [],
    properties: props,
    sourcePanel: null,
    source: 'user',
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  }
}

const sorted = (xs: NogEntity[]) => xs.map((e) => e.id).sort()

describe('the property index', () => {
  it('finds exactly what a scan finds, for random graphs, edits and filters', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 400 }),
        fc.array(filter, { minLength: 1, maxLength: 8 }),
        (steps, filters) => {
          const index = new GraphIndex()
          for (const s of steps) {
            if ('remove' in s) index.removeEntity(`e${s.remove}`)
            else index.putEntity(entity(s.put, s.category, s.properties))
          }
          const all = [...index.entities.values()]
          for (const f of filters) {
            const compiled = compileFilter(f)
            if (!compiled.ok) throw new Error(compiled.error)
            const scan = all.filter(compiled.value)
            expect(sorted(index.find({ filter: compiled.value }, Infinity))).toEqual(sorted(scan))
            // Past the limit: as many as asked for, every one a match.
            const some = index.find({ filter: compiled.value }, 3)
            expect(some.length).toBe(Math.min(3, scan.length))
            expect(some.every(compiled.value)).toBe(true)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('serves a range from the index once the buffer has been merged into the run', () => {
    const index = new GraphIndex()
    for (let i = 0; i < 5000; i++) index.putEntity(entity(i, 'concept', { rank: i, owner: `o${i % 10}` }))
    for (let i = 0; i < 5000; i += 2) index.removeEntity(`e${i}`)
    for (let i = 0; i < 100; i++) index.putEntity(entity(i, 'data', { rank: -i }))
    const compiled = compileFilter({ 'properties.rank': { gt: 4990 } })
    if (!compiled.ok) throw new Error(compiled.error)
    expect(index.find({ filter: compiled.value }, Infinity).map((e) => e.id)).toEqual([
      'e4991',
      'e4993',
      'e4995',
      'e4997',
      'e4999',
    ])
    const owners = compileFilter({ 'properties.owner': { in: ['o3', 'o3', 'o5'] }, 'properties.rank': { lt: 130 } })
    if (!owners.ok) throw new Error(owners.error)
    expect(sorted(index.find({ filter: owners.value }, Infinity))).toEqual([
      'e103',
      'e105',
      'e113',
      'e115',
      'e123',
      'e125',
    ])
  })
})

describe('propertyHints', () => {
  it('narrows conditions on one key and skips what the index cannot serve', () => {
    expect([
      propertyHints({ $and: [{ 'properties.a': { gte: 1 } }, { 'properties.a': { lt: 5, ne: 3 } }] }),
      propertyHints({ 'properties.a': { in: [1, 'x', 1] }, category: { eq: 'data' } }),
      propertyHints({ 'properties.a': { gt: 1, lt: 'z' } }),
      propertyHints({ 'properties.a': { eq: 2, gt: 2 } }),
      propertyHints({ $or: [{ 'properties.a': { eq: 1 } }], 'properties.b': { eq: true } }),
    ]).toMatchInlineSnapshot(`
      [
        [
          {
            "key": "a",
            "ranges": [
              {
                "hi": {
                  "inclusive": false,
                  "value": 5,
                },
                "lo": {
                  "inclusive": true,
                  "value": 1,
                },
                "type": "number",
              },
            ],
          },
        ],
        [
          {
            "key": "a",
            "ranges": [
              {
                "hi": {
                  "inclusive": true,
                  "value": 1,
                },
                "lo": {
                  "inclusive": true,
                  "value": 1,
                },
                "type": "number",
              },
              {
                "hi": {
                  "inclusive": true,
                  "value": "x",
                },
                "lo": {
                  "inclusive": true,
                  "value": "x",
                },
                "type": "string",
              },
            ],
          },
        ],
        [
          {
            "key": "a",
            "ranges": [],
          },
        ],
        [
          {
            "key": "a",
            "ranges": [],
          },
        ],
        [],
      ]
    `)
  })
})
