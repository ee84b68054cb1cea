import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { applyPatch, escapePointer, type Json, parsePointer, type PatchOp, pointerHead } from '../src/index.ts'

interface Case {
  comment?: string
  doc: Json
  patch: PatchOp[]
  expected?: Json
  error?: string
  disabled?: boolean
}

const dir = fileURLToPath(new URL('./conformance/json-patch/', import.meta.url))
const suites = ['tests.json', 'spec_tests.json'].map((f) => ({
  file: f,
  cases: JSON.parse(readFileSync(dir + f, 'utf8')) as Case[],
}))

for (const { file, cases } of suites) {
  describe(`json-patch conformance: ${file}`, () => {
    cases.forEach((c, i) => {
      if (c.disabled || (c.expected === undefined && c.error === undefined)) return
      it(`#${i} ${c.comment ?? c.error ?? ''}`, () => {
        const before = JSON.stringify(c.doc)
        const result = applyPatch(c.doc, c.patch)
        if (c.error !== undefined) {
          expect(result.ok).toBe(false)
        } else {
          expect(result).toEqual({ ok: true, value: c.expected })
        }
        // The input document is never mutated, even by a failing patch.
        expect(JSON.stringify(c.doc)).toBe(before)
      })
    })
  })
}

describe('JSON Pointer segments', () => {
  it('escape and parse back, and the head is the first parsed segment', () => {
    const segments = ['a', '', 'a/b', 'm~n', '~1', '/~0/', 'plain key']
    const pointer = segments.map((s) => `/${escapePointer(s)}`).join('')
    expect(parsePointer(pointer)).toEqual(segments)
    for (const s of segments) expect(pointerHead(`/${escapePointer(s)}/rest/x`)).toBe(s)
    expect(pointerHead('')).toBeUndefined()
    expect(parsePointer('')).toEqual([])
    expect(escapePointer('plain')).toBe('plain')
    expect(escapePointer('a~b/c')).toBe('a~0b~1c')
  })
})
