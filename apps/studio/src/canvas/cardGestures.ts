import type { PointerEvent as ReactPointerEvent } from 'react'
import { commitLayouts } from './canvasActions.ts'
import { holdLayout, releaseLayout, useCanvas } from './canvasStore.ts'
import { CELL, clamp, MAX_H, MAX_W, MIN_SIZE, sameCells, type Cells } from './grid.ts'

/** The card elements by panel id, for gestures that move them without React (see `beginCardGesture`). */
export const cardElements = new Map<string, HTMLElement>()
/** The dashed outline showing where a dragged card will snap to. */
export const snapGhost: { current: HTMLElement | null } = { current: null }

/** Where a card of `cells` is drawn: its canvas-unit transform, width and height. */
export function placeStyle(el: HTMLElement, x: number, y: number, w: number, h: number): void {
  el.style.transform = `translate(${x}px, ${y}px)`
  el.style.width = `${w}px`
  if (!el.classList.contains('canvas-card--minimised')) el.style.height = `${h}px`
}

/** Below this many screen pixels a press is a click, not a drag. */
const DRAG_THRESHOLD = 3

/**
 * Moves (the selection, or this card) or resizes one card while the pointer is down. Pointer moves only
 * write transforms and sizes on the elements, once per animation frame; React hears of it once, at the
 * drop, when the snapped cells are committed and saved.
 */
export function beginCardGesture(event: ReactPointerEvent<HTMLElement>, id: string, kind: 'move' | 'resize'): void {
  if (event.button !== 0) return
  const { selected, shown, viewport } = useCanvas.getState()
  const ids = kind === 'move' && selected.has(id) ? [...selected] : [id]
  const origin = new Map<string, Cells>()
  for (const i of ids) if (shown[i]) origin.set(i, shown[i])
  const primary = origin.get(id)
  if (!primary) return
  const target = event.currentTarget
  target.setPointerCapture(event.pointerId)
  const start = { x: event.clientX, y: event.clientY }
  const zoom = viewport.zoom
  let dx = 0
  let dy = 0
  let moved = false
  let frame = 0

  const snapped = (c: Cells): Cells =>
    kind === 'move'
      ? { ...c, x: clamp(Math.round(c.x + dx / CELL), 0, 10_000), y: clamp(Math.round(c.y + dy / CELL), 0, 10_000) }
      : {
          ...c,
          w: clamp(Math.round(c.w + dx / CELL), MIN_SIZE, MAX_W),
          h: clamp(Math.round(c.h + dy / CELL), MIN_SIZE, MAX_H),
        }
  const paint = () => {
    frame = 0
    for (const [i, c] of origin) {
      const el = cardElements.get(i)
      if (!el) continue
      if (kind === 'move') placeStyle(el, c.x * CELL + dx, c.y * CELL + dy, c.w * CELL, c.h * CELL)
      else
        placeStyle(
          el,
          c.x * CELL,
          c.y * CELL,
          Math.max(MIN_SIZE * CELL, c.w * CELL + dx),
          Math.max(MIN_SIZE * CELL, c.h * CELL + dy),
        )
    }
    const ghost = snapGhost.current
    if (ghost) {
      const s = snapped(primary)
      placeStyle(ghost, s.x * CELL, s.y * CELL, s.w * CELL, s.h * CELL)
      ghost.hidden = false
    }
  }
  const onMove = (e: PointerEvent) => {
    if (!moved && Math.hypot(e.clientX - start.x, e.clientY - start.y) < DRAG_THRESHOLD) return
    if (!moved) {
      moved = true
      for (const [i, c] of origin) {
        holdLayout(i, c) // the channel's layouts for it wait until the drop
        cardElements.get(i)?.classList.add('canvas-card--dragging')
      }
    }
    dx = (e.clientX - start.x) / zoom
    dy = (e.clientY - start.y) / zoom
    frame ||= requestAnimationFrame(paint)
  }
  const onUp = () => {
    target.removeEventListener('pointermove', onMove)
    target.removeEventListener('pointerup', onUp)
    target.removeEventListener('pointercancel', onUp)
    cancelAnimationFrame(frame)
    if (snapGhost.current) snapGhost.current.hidden = true
    if (!moved) return
    const layouts = new Map<string, Cells>()
    for (const [i, c] of origin) {
      const next = snapped(c)
      const el = cardElements.get(i)
      el?.classList.remove('canvas-card--dragging')
      // React may render the same values it rendered before the drag, so the element is set here too.
      if (el) placeStyle(el, next.x * CELL, next.y * CELL, next.w * CELL, next.h * CELL)
      if (sameCells(next, c)) releaseLayout(i)
      else layouts.set(i, next)
    }
    if (layouts.size > 0) void commitLayouts(layouts)
  }
  target.addEventListener('pointermove', onMove)
  target.addEventListener('pointerup', onUp)
  target.addEventListener('pointercancel', onUp)
}
