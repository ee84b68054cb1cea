import { describe, expect, it } from 'vitest'
import { arrange, boundsOf, CELL, freeSpot, overlaps, snapCells } from './grid.ts'
import { fitTo, MAX_ZOOM, MIN_ZOOM, toCanvas, visibleRect, zoomAt } from './viewport.ts'

describe('grid', () => {
  it('snaps canvas units to whole cells inside the kernel bounds', () => {
    expect(snapCells(1.4 * CELL, 0.6 * CELL, 3.5 * CELL, 0.2 * CELL)).toEqual({ x: 1, y: 1, w: 4, h: 2 })
    expect(snapCells(-300, -1, 100 * CELL, 500 * CELL)).toEqual({ x: 0, y: 0, w: 48, h: 200 })
  })

  it('touching edges do not overlap, shared area does', () => {
    expect(overlaps({ x: 0, y: 0, w: 4, h: 4 }, { x: 4, y: 0, w: 4, h: 4 })).toBe(false)
    expect(overlaps({ x: 0, y: 0, w: 4, h: 4 }, { x: 3, y: 3, w: 4, h: 4 })).toBe(true)
  })

  it('finds the first free spot row by row from a start', () => {
    const taken = [
      { x: 0, y: 0, w: 4, h: 4 },
      { x: 4, y: 0, w: 4, h: 4 },
    ]
    expect(freeSpot(taken, 4, 4)).toEqual({ x: 8, y: 0, w: 4, h: 4 })
    expect(freeSpot(taken, 4, 4, { x: 2, y: 2 })).toEqual({ x: 8, y: 2, w: 4, h: 4 })
    // A row with no room left (36 columns, or as many as asked) goes on to the next rows.
    const row = Array.from({ length: 9 }, (_, i) => ({ x: i * 4, y: 0, w: 4, h: 4 }))
    expect(freeSpot(row, 4, 4)).toEqual({ x: 0, y: 4, w: 4, h: 4 })
    expect(freeSpot(taken, 4, 4, { x: 0, y: 0 }, 8)).toEqual({ x: 0, y: 4, w: 4, h: 4 })
  })

  it('spreads cards that share an origin, keeps the rest where they are saved', () => {
    const at = (id: string, x: number, y: number) => ({ id, x, y, w: 4, h: 4 })
    const shown = arrange([at('a', 0, 0), at('b', 0, 0), at('c', 1, 1), at('d', 0, 0), at('e', 10, 10)])
    expect(Object.fromEntries(shown)).toEqual({
      a: { x: 0, y: 0, w: 4, h: 4 },
      b: { x: 4, y: 0, w: 4, h: 4 },
      c: { x: 1, y: 1, w: 4, h: 4 }, // a duplicate's cascade stays
      d: { x: 8, y: 0, w: 4, h: 4 },
      e: { x: 10, y: 10, w: 4, h: 4 },
    })
  })

  it('bounds of nothing is undefined', () => {
    expect(boundsOf([])).toBeUndefined()
    expect(
      boundsOf([
        { x: 1, y: 2, w: 3, h: 4 },
        { x: 0, y: 5, w: 1, h: 1 },
      ]),
    ).toEqual({ x: 0, y: 2, w: 4, h: 4 })
  })
})

describe('viewport', () => {
  it('zooms around the pointer: the canvas point under it stays', () => {
    const v = { x: 30, y: -20, zoom: 1 }
    const at = { x: 400, y: 300 }
    const before = toCanvas(v, at)
    const after = zoomAt(v, 1.5, at)
    expect(after.zoom).toBe(1.5)
    expect(toCanvas(after, at).x).toBeCloseTo(before.x)
    expect(toCanvas(after, at).y).toBeCloseTo(before.y)
  })

  it('clamps zoom to 25%–200%', () => {
    expect(zoomAt({ x: 0, y: 0, zoom: 1 }, 100, { x: 0, y: 0 }).zoom).toBe(MAX_ZOOM)
    expect(zoomAt({ x: 0, y: 0, zoom: 1 }, 0.001, { x: 0, y: 0 }).zoom).toBe(MIN_ZOOM)
  })

  it('fits content in the view, centred', () => {
    const size = { width: 1000, height: 600 }
    const v = fitTo({ x: 0, y: 0, w: 2000, h: 800 }, size, 0)
    expect(v.zoom).toBe(0.5)
    const seen = visibleRect(v, size)
    expect(seen.x).toBeCloseTo(0)
    expect(seen.w).toBeCloseTo(2000)
    expect(seen.y + seen.h / 2).toBeCloseTo(400)
    expect(fitTo({ x: 0, y: 0, w: 10, h: 10 }, size, 0, 1).zoom).toBe(1)
  })
})
