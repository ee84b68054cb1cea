import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { applyPatch, type Json, type PatchOp } from '../src/index.ts'

interface Case {
  comment?: string
  doc: Json
  patch: PatchOp[]
  expected?: Json
  error?: string
  disabled?: boolean
}

const dir = fileURLToPath(new URL('../../../../shared/conformance/json-patch/', import.meta.url))
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
