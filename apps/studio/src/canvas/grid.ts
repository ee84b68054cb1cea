import type { z } from 'zod'
import type { LayoutSchema } from '@nexus/protocol'

/** A card's place in grid cells: the kernel's `{x, y, w, h}` (`PATCH /api/panels/:id` layout). */
export type Cells = z.infer<typeof LayoutSchema>

/** Canvas units (CSS pixels at 100% zoom) in one grid cell. */
export const CELL = 80
/** The kernel's bounds for a layout (`LayoutSchema`); cards stay at least 2×2 so their title bar fits. */
export const MAX_W = 48
export const MAX_H = 200
export const MIN_SIZE = 2
/** Columns searched for a free spot before a new row is tried (50 default-size cards: 9 a row, 6 rows). */
const FREE_SPOT_COLUMNS = 36

export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/** Whole cells from canvas units, clamped to what the kernel accepts. */
export function snapCells(x: number, y: number, w: number, h: number): Cells {
  return {
    x: clamp(Math.round(x / CELL), 0, 10_000),
    y: clamp(Math.round(y / CELL), 0, 10_000),
    w: clamp(Math.round(w / CELL), MIN_SIZE, MAX_W),
    h: clamp(Math.round(h / CELL), MIN_SIZE, MAX_H),
  }
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

export function sameCells(a: Cells, b: Cells): boolean {
  return a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h
}

/**
 * The first spot of `w × h` cells that overlaps none of `taken`, scanning rows from `from` (row-major,
 * `columns` wide from `from.x`).
 */
export function freeSpot(
  taken: readonly Rect[],
  w: number,
  h: number,
  from = { x: 0, y: 0 },
  columns = FREE_SPOT_COLUMNS,
): Cells {
  for (let y = from.y; ; y++) {
    for (let x = from.x; x <= from.x + Math.max(columns, w) - w; x++) {
      const candidate = { x, y, w, h }
      if (!taken.some((r) => overlaps(r, candidate))) return candidate
    }
  }
}

/**
 * Where each card is shown. A panel made outside the canvas (the API, the CLI, an import) lands on the
 * kernel's default spot; a card whose origin is the same as an earlier card's is shown in the first free
 * spot instead of hidden under it. Deterministic in list order, so every tab shows the same arrangement;
 * the first layout edit saves it (see `CanvasPage`).
 */
export function arrange(cards: readonly (Cells & { id: string })[]): Map<string, Cells> {
  const shown = new Map<string, Cells>()
  const origins = new Set<string>()
  const taken: Cells[] = []
  for (const card of cards) {
    const origin = `${card.x},${card.y}`
    const place = origins.has(origin) ? freeSpot(taken, card.w, card.h) : { x: card.x, y: card.y, w: card.w, h: card.h }
    origins.add(`${place.x},${place.y}`)
    taken.push(place)
    shown.set(card.id, place)
  }
  return shown
}

/** The smallest rectangle (in cells) around `rects`, or undefined for none. */
export function boundsOf(rects: Iterable<Rect>): Rect | undefined {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const r of rects) {
    minX = Math.min(minX, r.x)
    minY = Math.min(minY, r.y)
    maxX = Math.max(maxX, r.x + r.w)
    maxY = Math.max(maxY, r.y + r.h)
  }
  return minX === Infinity ? undefined : { x: minX, y: minY, w: maxX - minX, h: maxY - minY }
}
