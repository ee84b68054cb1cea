import { describe, expect, it } from 'vitest'
import type { EventRow } from './events.ts'
import { MAX_SKIPPED_REASONS, replay } from './reconstruct.ts'

let seq = 0
function row(kind: string, attrs: object): EventRow {
  seq++
  return { obj_type: 'Panel', obj_id: 'p', ts: 1000 + seq, seq, kind, trace_id: '', attrs: JSON.stringify(attrs) }
}
const replace = (path: string, value: number) => row('state_change', { ops: [{ op: 'replace', path, value }] })

describe('replay', () => {
  it('a change that cannot apply is reported, not skipped silently', () => {
    seq = 0
    const result = replay([
      row('snapshot', { state: { n: 0 } }),
      replace('/n', 1),
      replace('/missing/x', 9),
      replace('/n', 2),
    ])
    expect(result).toEqual({
      state: { n: 2 },
      changes: 3,
      skipped: {
        count: 1,
        first: [
          {
            ts: 1003,
            seq: 3,
            reason: expect.stringMatching(/^Cannot perform the operation at a path that does not exist/),
          },
        ],
      },
    })
  })

  it('a clean replay skips nothing', () => {
    seq = 0
    expect(replay([row('snapshot', { state: { n: 0 } }), replace('/n', 1)]).skipped).toEqual({ count: 0, first: [] })
  })

  it(`counts every skipped event and keeps the first ${MAX_SKIPPED_REASONS} reasons`, () => {
    seq = 0
    const start = row('snapshot', { state: { n: 0 } })
    const bad = Array.from({ length: 8 }, () => replace('/gone/x', 1))
    const result = replay([start, ...bad, row('state_change', {})])
    expect(result.state).toEqual({ n: 0 })
    expect(result.skipped.count).toBe(9)
    expect(result.skipped.first.map((s) => s.seq)).toEqual([2, 3, 4, 5, 6])
  })

  it('reports a snapshot without a state, a change without ops and changes with no snapshot before them', () => {
    seq = 0
    const result = replay([replace('/n', 1), row('snapshot', {}), row('state_change', {})])
    expect(result.state).toBeUndefined()
    expect(result.skipped.first.map((s) => [s.seq, s.reason])).toEqual([
      [1, 'no snapshot before this change'],
      [2, 'snapshot without a state'],
      [3, 'state_change without ops'],
    ])
  })
})
