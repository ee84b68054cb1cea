import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyPatch, type Json } from '@nexus/protocol'
import { jsonDiff, pointersOverlap } from './jsonDiff.ts'

describe('jsonDiff', () => {
  it('produces ops that turn the first document into the second', () => {
    // State never holds these keys (the sandbox refuses them) and applyPatch refuses paths through them.
    const json = (fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>).filter(
      (v) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(v)),
    )
    fc.assert(
      fc.property(json, json, (a, b) => {
        const from = JSON.parse(JSON.stringify({ root: a })) as Json
        const to = JSON.parse(JSON.stringify({ root: b })) as Json
        expect(applyPatch(from, jsonDiff(from, to))).toEqual({ ok: true, value: to })
      }),
      { numRuns: 500 },
    )
  })

  it('is empty for equal documents and precise for small edits', () => {
    expect(jsonDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([])
    expect(jsonDiff({ a: 1, b: [1] }, { a: 2, b: [1, 2] })).toEqual([
      { op: 'replace', path: '/a', value: 2 },
      { op: 'add', path: '/b/1', value: 2 },
    ])
    expect(jsonDiff({ list: [1, 2, 3] }, { list: [1] })).toEqual([
      { op: 'remove', path: '/list/2' },
      { op: 'remove', path: '/list/1' },
    ])
  })
})

describe('pointersOverlap', () => {
  it('matches a path, its ancestors and descendants, not its siblings', () => {
    expect([
      pointersOverlap('/form/name', '/form/name'),
      pointersOverlap('/form', '/form/name'),
      pointersOverlap('/form/name/first', '/form/name'),
      pointersOverlap('', '/x'),
      pointersOverlap('/form/names', '/form/name'),
      pointersOverlap('/n', '/form'),
    ]).toEqual([true, true, true, true, false, false])
  })
})
