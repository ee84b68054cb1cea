import type { PointerEvent as ReactPointerEvent } from 'react'
import { setViewport, useCanvas } from './canvasStore.ts'
import { boundsOf, CELL, type Rect } from './grid.ts'
import { centreOn, visibleRect } from './viewport.ts'

const WIDTH = 200
const HEIGHT = 140

/**
 * Bottom-right, once the cards do not fit in the view: every card and the viewport, scaled down; a click
 * or a drag centres the view there.
 */
export function Minimap() {
  const shown = useCanvas((s) => s.shown)
  const selected = useCanvas((s) => s.selected)
  const viewport = useCanvas((s) => s.viewport)
  const size = useCanvas((s) => s.viewSize)
  const cells = boundsOf(Object.values(shown))
  if (!cells || size.width === 0) return null
  const content: Rect = { x: cells.x * CELL, y: cells.y * CELL, w: cells.w * CELL, h: cells.h * CELL }
  const view = visibleRect(viewport, size)
  const fits =
    content.x >= view.x &&
    content.y >= view.y &&
    content.x + content.w <= view.x + view.w &&
    content.y + content.h <= view.y + view.h
  if (fits) return null
  const world = boundsOf([content, view])!
  const scale = Math.min(WIDTH / world.w, HEIGHT / world.h)
  const box = (r: Rect) => ({
    transform: `translate(${(r.x - world.x) * scale}px, ${(r.y - world.y) * scale}px)`,
    width: Math.max(2, r.w * scale),
    height: Math.max(2, r.h * scale),
  })

  function centre(e: ReactPointerEvent<HTMLElement>) {
    const rect = e.currentTarget.getBoundingClientRect()
    const at = { x: world.x + (e.clientX - rect.left) / scale, y: world.y + (e.clientY - rect.top) / scale }
    const { viewport: v, viewSize } = useCanvas.getState()
    setViewport(centreOn(v, at, viewSize))
  }

  return (
    <div
      className="canvas__minimap"
      role="img"
      aria-label={`Minimap: ${Object.keys(shown).length} cards`}
      style={{ width: world.w * scale, height: world.h * scale }}
      onPointerDown={(e) => {
        e.stopPropagation()
        e.currentTarget.setPointerCapture(e.pointerId)
        centre(e)
      }}
      onPointerMove={(e) => {
        if (e.currentTarget.hasPointerCapture(e.pointerId)) centre(e)
      }}
    >
      {Object.entries(shown).map(([id, c]) => (
        <div
          key={id}
          className={`canvas__minimap-card${selected.has(id) ? ' canvas__minimap-card--selected' : ''}`}
          style={box({ x: c.x * CELL, y: c.y * CELL, w: c.w * CELL, h: c.h * CELL })}
        />
      ))}
      <div className="canvas__minimap-view" style={box(view)} />
    </div>
  )
}
