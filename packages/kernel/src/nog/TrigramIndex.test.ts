import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TrigramIndex } from './TrigramIndex.ts'

describe('TrigramIndex', () => {
  it('finds exactly the texts a linear scan finds, through updates and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.option(fc.stringMatching(/^[a-dA-D ]{0,12}$/))), {
          maxLength: 200,
        }),
        fc.stringMatching(/^[a-dA-D]{1,4}$/),
        (edits, needle) => {
          const index = new TrigramIndex()
          const truth = new Map<string, string>()
          for (const [n, text] of edits) {
            const id = `e${n}`
            if (text === null) {
              index.delete(id)
              truth.delete(id)
            } else {
              index.set(id, text)
              truth.set(id, text)
            }
          }
          const expected = [...truth]
            .filter(([, t]) => t.toLowerCase().includes(needle.toLowerCase()))
            .map(([id]) => id)
          expect([...index.search(needle)].sort()).toEqual(expected.sort())
        },
      ),
      { numRuns: 300 },
    )
  })
})
