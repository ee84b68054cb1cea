import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseNxml, serializeNxml, stripSpans } from '../src/index.ts'
import { BASELINES_DIR, baselineOf, caseNames, readCase } from './baseline.ts'

const names = caseNames()

describe('NXML baselines (update with: npx tsx packages/reactor/test/accept.ts)', () => {
  it('has at least 60 cases', () => {
    expect(names.length).toBeGreaterThanOrEqual(60)
  })

  for (const name of names) {
    it(`${name}.nxml matches baselines/${name}.json`, () => {
      const file = `${BASELINES_DIR}${name}.json`
      expect(existsSync(file), `missing baseline for ${name}; run the accept script`).toBe(true)
      expect(baselineOf(readCase(name))).toBe(readFileSync(file, 'utf8'))
    })

    it(`${name}.nxml survives serialize → parse`, () => {
      const { ast } = parseNxml(readCase(name))
      if (!ast) return
      const again = parseNxml(serializeNxml(ast))
      expect(stripSpans(again.ast)).toEqual(stripSpans(ast))
      expect(serializeNxml(again.ast!)).toBe(serializeNxml(ast))
    })
  }
})
