import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { applyPatch } from '@nexus/protocol'
import type { Json, JsonObject } from '@nexus/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { diffJson, Sandbox } from '../src/index.ts'
import { request, runOk } from './helpers.ts'

// For every doc → expected pair of the shared RFC 6902 conformance suite, the ops the sandbox produces when a
// handler turns the doc into the expected value must apply back (through @nexus/protocol's applyPatch) exactly.
const dir = fileURLToPath(new URL('../../protocol/test/conformance/json-patch/', import.meta.url))
interface Case {
  comment?: string
  doc: Json
  expected?: Json
  disabled?: boolean
}

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create()
})
afterAll(() => sandbox.dispose())

for (const file of ['tests.json', 'spec_tests.json']) {
  const cases = (JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as Case[]).filter(
    (c) => c.expected !== undefined && !c.disabled,
  )
  describe(`sandbox ops on ${file}`, () => {
    test(`${cases.length} doc → expected pairs apply back exactly`, async () => {
      for (const [i, c] of cases.entries()) {
        const state = { doc: c.doc } as JsonObject
        const result = await runOk(
          sandbox,
          request('$state.doc = $args.expected', { state, args: { expected: c.expected! } }),
        )
        const applied = applyPatch(state, result.ops)
        expect(applied, `case ${i} (${c.comment ?? ''})`).toEqual({ ok: true, value: { doc: c.expected } })
        expect(result.state).toEqual({ doc: c.expected })
        const direct = applyPatch(c.doc, diffJson(c.doc, c.expected!))
        expect(direct, `case ${i} (direct diff)`).toEqual({ ok: true, value: c.expected })
      }
    })
  })
}
