import { describe, expect, it } from 'vitest'
import { roundedPath } from './roundedPath.ts'

describe('roundedPath', () => {
  it('draws a straight line as one segment', () => {
    expect(
      roundedPath([
        { x: 0, y: 0 },
        { x: 100, y: 0 },
      ]),
    ).toBe('M 0 0 L 100 0')
  })

  it('rounds each corner, never by more than half the shorter segment', () => {
    const path = roundedPath([
      { x: 0, y: 0 },
      { x: 50, y: 0 },
      { x: 50, y: 6 },
      { x: 100, y: 6 },
    ])
    expect(path).toBe('M 0 0 L 47 0 Q 50 0 50 3 L 50 3 Q 50 6 53 6 L 100 6')
  })

  it('is empty for no points', () => {
    expect(roundedPath([])).toBe('')
  })
})
