import { applyPatch } from '@nexus/protocol'
import type { Json, JsonObject } from '@nexus/protocol'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { diffJson } from './diff.ts'
import { FORBIDDEN_KEYS } from '@nexus/protocol'

describe('diffJson', () => {
  test('scalars, keys and escaping', () => {
    expect(diffJson({ a: 1, 'x/y~z': 1, gone: 0 }, { a: 2, 'x/y~z': 2, fresh: null })).toMatchInlineSnapshot(`
      [
        {
          "op": "remove",
          "path": "/gone",
        },
        {
          "op": "replace",
          "path": "/a",
          "value": 2,
        },
        {
          "op": "replace",
          "path": "/x~1y~0z",
          "value": 2,
        },
        {
          "op": "add",
          "path": "/fresh",
          "value": null,
        },
      ]
    `)
  })

  test('arrays: appends, a single insertion, a single removal, a rewrite', () => {
    expect(diffJson({ l: [1, 2] }, { l: [1, 2, 3, 4] })).toEqual([
      { op: 'add', path: '/l/-', value: 3 },
      { op: 'add', path: '/l/-', value: 4 },
    ])
    expect(diffJson({ l: [1, 3] }, { l: [1, 2, 3] })).toEqual([{ op: 'add', path: '/l/1', value: 2 }])
    expect(diffJson({ l: [1, 2, 3] }, { l: [1, 3] })).toEqual([{ op: 'remove', path: '/l/1' }])
    expect(diffJson({ l: [1, 2, 3] }, { l: [3, 2] })).toEqual([
      { op: 'replace', path: '/l/0', value: 3 },
      { op: 'remove', path: '/l/2' },
    ])
  })

  test('a change of type is a replace; nested objects recurse', () => {
    expect(diffJson({ a: [1], b: { c: { d: 1 } } }, { a: { 0: 1 }, b: { c: { d: 2 } } })).toEqual([
      { op: 'replace', path: '/a', value: { 0: 1 } },
      { op: 'replace', path: '/b/c/d', value: 2 },
    ])
  })

  test('equal documents give no ops', () => {
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([])
  })

  // Guest output passes through JSON text, so compare on JSON-normalised values (no -0, no forbidden keys).
  const jsonValue = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as Json)
  const jsonObject = fc
    .dictionary(fc.string({ maxLength: 4 }), jsonValue, { maxKeys: 6 })
    .filter((o) => !Object.keys(o).some((k) => FORBIDDEN_KEYS.has(k)))
    .map((o) => JSON.parse(JSON.stringify(o)) as JsonObject)
  const noForbidden = (v: Json): boolean => !JSON.stringify(v).match(/"(__proto__|constructor|prototype)":/)

  test('property: applyPatch(before, diffJson(before, after)) equals after', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (before, after) => {
        fc.pre(noForbidden(before) && noForbidden(after))
        const result = applyPatch(before, diffJson(before, after))
        expect(result).toEqual({ ok: true, value: after })
      }),
      { numRuns: 500 },
    )
  })

  test('property: related documents (edits of one another) round-trip too', () => {
    const edited = jsonObject.chain((before) =>
      fc.record({ before: fc.constant(before), extra: jsonObject, drop: fc.nat(5) }).map(({ extra, drop }) => {
        const after: JsonObject = { ...before, ...extra }
        for (const key of Object.keys(after).slice(0, drop % 3)) delete after[key]
        for (const [key, value] of Object.entries(after)) {
          if (Array.isArray(value)) after[key] = drop % 2 ? [...value, drop] : value.slice(1)
        }
        return { before, after }
      }),
    )
    fc.assert(
      fc.property(edited, ({ before, after }) => {
        fc.pre(noForbidden(before) && noForbidden(after))
        expect(applyPatch(before, diffJson(before, after))).toEqual({ ok: true, value: after })
      }),
      { numRuns: 500 },
    )
  })
})
