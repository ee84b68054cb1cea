import type { TimelineEntry } from '@nexus/protocol'
import { describe, expect, it } from 'vitest'
import {
  diffLines,
  flaggedMoments,
  indexAt,
  positionOf,
  readPointer,
  replayable,
  stepIndex,
  toMoments,
} from './timelineModel.ts'

const entry = (ts: number, seq: number, kind: string, attrs: TimelineEntry['attrs']): TimelineEntry => ({
  ts,
  seq,
  kind,
  traceId: 't'.repeat(32),
  summary: `${kind} ${seq}`,
  attrs,
})

describe('the timeline model', () => {
  const entries = [
    entry(3000, 2, 'state_change', {
      tool: 'increment',
      args: { step: 1 },
      ops: [{ op: 'replace', path: '/count', value: 2 }],
      actor: 'u1',
      durationMs: 1.5,
    }),
    entry(1000, 0, 'created', { actor: 'u1' }),
    entry(2000, 1, 'state_change', { tool: '$edit', ops: [{ op: 'add', path: '/label', value: 'x' }] }),
    entry(2500, 1, 'handler_run', { tool: 'increment', version: 1 }),
    entry(2600, 1, 'snapshot', { state: { count: 1 } }),
    entry(4000, 2, 'trigger_failed', { tool: 'boom', args: {}, error: { code: 'HANDLER_ERROR', message: 'nope' } }),
  ]

  it('keeps creation, changes and failures, oldest first, with their details', () => {
    const moments = toMoments(entries)
    expect(moments.map((m) => [m.ts, m.kind, m.tool])).toEqual([
      [1000, 'created', undefined],
      [2000, 'change', '$edit'],
      [3000, 'change', 'increment'],
      [4000, 'failure', 'boom'],
    ])
    expect(moments[2]).toMatchObject({ actor: 'u1', args: { step: 1 }, durationMs: 1.5, error: undefined })
    expect(moments[3]?.error).toEqual({ code: 'HANDLER_ERROR', message: 'nope' })
  })

  it("offers replay for a change or a failure of a tool handler, not for the kernel's own writes", () => {
    expect(toMoments(entries).map(replayable)).toEqual([false, false, true, true])
  })

  it('flags the run a latency flag names by trace and the failures of a tool whose error rate rose', () => {
    const moments = toMoments([
      ...entries,
      { ...entry(5000, 3, 'state_change', { tool: 'increment', ops: [] }), traceId: 'a'.repeat(32) },
    ])
    const flagged = flaggedMoments(moments, [
      { kind: 'latency', tool: 'p1/increment', ts: 5000, durationMs: 90, score: 8, traceId: 'a'.repeat(32) },
      { kind: 'error_rate', tool: 'p1/boom', recentRate: 1, baselineRate: 0, recentCount: 5 },
    ])
    expect([...flagged]).toEqual(['4000-2-trigger_failed', '5000-3-state_change'])
    expect(flaggedMoments(moments, []).size).toBe(0)
  })

  it('steps the handle by key: arrows to neighbours, Home to the first, End to live', () => {
    expect(stepIndex('ArrowLeft', 2, 4)).toBe(1)
    expect(stepIndex('ArrowLeft', 0, 4)).toBe(0)
    expect(stepIndex('ArrowRight', 3, 4)).toBe(4)
    expect(stepIndex('ArrowRight', 4, 4)).toBe(4)
    expect(stepIndex('Home', 3, 4)).toBe(0)
    expect(stepIndex('End', 0, 4)).toBe(4)
    expect(stepIndex('a', 0, 4)).toBeUndefined()
  })

  it('maps track positions to stops and back', () => {
    expect(positionOf(2, 4)).toBe(0.5)
    expect(positionOf(0, 0)).toBe(1)
    expect(indexAt(0.49, 4)).toBe(2)
    expect(indexAt(-1, 4)).toBe(0)
    expect(indexAt(7, 4)).toBe(4)
  })

  it('reads added, removed and changed paths with both sides', () => {
    const before = { count: 1, items: ['a', 'b'], 'a/b': { '~': 1 } }
    expect(readPointer(before, '/a~1b/~0')).toBe(1)
    expect(readPointer(before, '/items/1')).toBe('b')
    expect(readPointer(before, '/missing/x')).toBeUndefined()
    expect(
      diffLines(
        [
          { op: 'replace', path: '/count', value: 3 },
          { op: 'remove', path: '/items/1' },
          { op: 'add', path: '/note', value: 'hi' },
        ],
        before,
      ),
    ).toEqual([
      { change: 'changed', path: '/count', before: 1, after: 3 },
      { change: 'removed', path: '/items/1', before: 'b', after: undefined },
      { change: 'added', path: '/note', before: undefined, after: 'hi' },
    ])
  })
})
