import { beforeEach, describe, expect, it } from 'vitest'
import type { PanelSummary } from '@nexus/protocol'
import {
  holdLayout,
  releaseLayout,
  removeCard,
  replaceCards,
  resetCanvas,
  select,
  upsertCard,
  useCanvas,
} from './canvasStore.ts'

const panel = (id: string, x: number, y: number, extra: Partial<PanelSummary> = {}): PanelSummary => ({
  id,
  title: id.toUpperCase(),
  version: 0,
  workspaceId: 'w',
  deletedAt: null,
  x,
  y,
  w: 4,
  h: 4,
  updatedAt: 1,
  ...extra,
})

describe('the canvas store', () => {
  beforeEach(() => resetCanvas())

  it('shows cards from the channel, spreading the ones on a shared origin', () => {
    replaceCards([panel('a', 0, 0), panel('b', 0, 0)])
    const { shown, order, loaded } = useCanvas.getState()
    expect(loaded).toBe(true)
    expect(order).toEqual(['a', 'b'])
    expect(shown).toEqual({ a: { x: 0, y: 0, w: 4, h: 4 }, b: { x: 4, y: 0, w: 4, h: 4 } })
  })

  it('keeps a held layout (a drag, a save in flight) against the channel, and follows it once released', () => {
    replaceCards([panel('a', 0, 0)])
    holdLayout('a', { x: 6, y: 2, w: 4, h: 4 })
    upsertCard(panel('a', 1, 1, { version: 3, title: 'Renamed' }))
    expect(useCanvas.getState().cards.a).toEqual({ id: 'a', title: 'Renamed', version: 3, x: 6, y: 2, w: 4, h: 4 })
    releaseLayout('a')
    upsertCard(panel('a', 9, 9, { version: 4 }))
    expect(useCanvas.getState().shown.a).toEqual({ x: 9, y: 9, w: 4, h: 4 })
  })

  it('an unchanged card keeps its objects, so its memoised view does not re-render', () => {
    replaceCards([panel('a', 0, 0), panel('b', 8, 0)])
    const before = useCanvas.getState()
    upsertCard(panel('b', 12, 0))
    const after = useCanvas.getState()
    expect(after.cards.a).toBe(before.cards.a)
    expect(after.shown.a).toBe(before.shown.a)
    expect(after.shown.b).not.toBe(before.shown.b)
  })

  it('a removed card leaves the selection; a new one goes to the end', () => {
    replaceCards([panel('a', 0, 0), panel('b', 8, 0)])
    select(['a', 'b'])
    removeCard('a')
    upsertCard(panel('c', 0, 8))
    const { order, selected } = useCanvas.getState()
    expect(order).toEqual(['b', 'c'])
    expect([...selected]).toEqual(['b'])
  })
})
