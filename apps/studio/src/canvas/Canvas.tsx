import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import {
  deleteSelection,
  duplicateSelection,
  nudgeSelection,
  resetZoom,
  undoDeletion,
  zoomIn,
  zoomOut,
  zoomToFit,
} from './canvasActions.ts'
import { CanvasCard, CardHostContext } from './CanvasCard.tsx'
import { select, setMode, setViewport, useCanvas } from './canvasStore.ts'
import { snapGhost } from './cardGestures.ts'
import { CELL, overlaps } from './grid.ts'
import { Minimap } from './Minimap.tsx'
import { toCanvas, zoomAt, type Viewport } from './viewport.ts'
import { ZoomControls } from './ZoomControls.tsx'

/** Keys typed into a panel's own inputs, or into any field, are not the canvas's. */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return !!el?.closest?.('input, textarea, select, [contenteditable], .nx-panel, dialog')
}

/** Whether a wheel over `target` should scroll something inside a card rather than pan the canvas. */
function scrollsInside(target: EventTarget | null, stop: HTMLElement, dy: number, dx: number): boolean {
  for (let el = target as HTMLElement | null; el && el !== stop; el = el.parentElement) {
    const style = getComputedStyle(el)
    const y = /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight
    const x = /(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth
    if (y && ((dy > 0 && el.scrollTop + el.clientHeight < el.scrollHeight - 1) || (dy < 0 && el.scrollTop > 0)))
      return true
    if (x && ((dx > 0 && el.scrollLeft + el.clientWidth < el.scrollWidth - 1) || (dx < 0 && el.scrollLeft > 0)))
      return true
    if (el.classList.contains('canvas-card')) return false
  }
  return false
}

/**
 * The canvas: a region named "Canvas" with one transformed layer holding the cards (positioned in canvas
 * units), a dotted grid, pan (drag empty space, wheel, space+drag, middle button), zoom (Ctrl/⌘+wheel,
 * pinch, the buttons and keys, 25–200%), a marquee (Shift+drag on empty space) and the keyboard.
 */
export function Canvas({ canEdit }: { canEdit: boolean }) {
  const order = useCanvas(useShallow((s) => s.order))
  const region = useRef<HTMLElement>(null)
  const layer = useRef<HTMLDivElement>(null)
  const marquee = useRef<HTMLDivElement>(null)
  const [fullscreenHost, setFullscreenHost] = useState<HTMLDivElement | null>(null)
  const fullscreen = useCanvas((s) => s.fullscreen)
  const [spaceHeld, setSpaceHeld] = useState(false)
  const touches = useRef(new Map<number, { x: number; y: number }>())

  // The viewport reaches the layer and the grid through the CSSOM, never through a React render of the cards.
  useEffect(() => {
    const apply = ({ x, y, zoom }: Viewport) => {
      if (layer.current) layer.current.style.transform = `translate(${x}px, ${y}px) scale(${zoom})`
      if (region.current) {
        region.current.style.backgroundSize = `${CELL * zoom}px ${CELL * zoom}px`
        region.current.style.backgroundPosition = `${x}px ${y}px`
      }
    }
    apply(useCanvas.getState().viewport)
    return useCanvas.subscribe((s, before) => {
      if (s.viewport !== before.viewport) apply(s.viewport)
    })
  }, [])

  useEffect(() => {
    const el = region.current
    if (!el) return
    const size = () => useCanvas.setState({ viewSize: { width: el.clientWidth, height: el.clientHeight } })
    size()
    const observer = new ResizeObserver(size)
    observer.observe(el)
    // Not React's onWheel: that listener is passive, and the page must not scroll or zoom instead.
    const onWheel = (e: WheelEvent) => {
      if (fullscreenHost?.contains(e.target as Node)) return
      const { viewport } = useCanvas.getState()
      const box = el.getBoundingClientRect()
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault()
        setViewport(zoomAt(viewport, Math.exp(-e.deltaY * 0.01), { x: e.clientX - box.left, y: e.clientY - box.top }))
      } else if (!scrollsInside(e.target, el, e.deltaY, e.deltaX)) {
        e.preventDefault()
        const dx = e.shiftKey && e.deltaX === 0 ? e.deltaY : e.deltaX
        const dy = e.shiftKey && e.deltaX === 0 ? 0 : e.deltaY
        setViewport({ ...viewport, x: viewport.x - dx, y: viewport.y - dy })
      }
    }
    el.addEventListener('wheel', onWheel, { passive: false })
    return () => {
      observer.disconnect()
      el.removeEventListener('wheel', onWheel)
    }
  }, [fullscreenHost])

  useEffect(() => {
    const down = (e: globalThis.KeyboardEvent) => {
      if (e.key === ' ' && !typing(e.target) && !e.repeat) setSpaceHeld(true)
      const open = useCanvas.getState().fullscreen
      if (e.key === 'Escape' && open) setMode(open, 'normal')
    }
    const up = (e: globalThis.KeyboardEvent) => {
      if (e.key === ' ') setSpaceHeld(false)
    }
    window.addEventListener('keydown', down)
    window.addEventListener('keyup', up)
    return () => {
      window.removeEventListener('keydown', down)
      window.removeEventListener('keyup', up)
    }
  }, [])

  function onPointerDown(e: ReactPointerEvent<HTMLElement>) {
    const el = region.current!
    const background = e.target === el || e.target === layer.current
    const pan = spaceHeld || e.button === 1 || (background && e.button === 0 && !e.shiftKey)
    if (e.pointerType === 'touch' && background) touches.current.set(e.pointerId, { x: e.clientX, y: e.clientY })
    if (!pan && !(background && e.shiftKey && e.button === 0)) return
    e.preventDefault()
    // The keys are the canvas's now; no focus ring for a press (Chromium honours `focusVisible: false`).
    el.focus({ preventScroll: true, focusVisible: false } as FocusOptions)
    const target = e.currentTarget
    target.setPointerCapture(e.pointerId)
    const box = el.getBoundingClientRect()
    const start = { x: e.clientX, y: e.clientY }
    const from = useCanvas.getState().viewport
    let last = start
    let moved = false
    let frame = 0
    let pinch: { distance: number; viewport: Viewport } | undefined
    const drawMarquee = () => {
      frame = 0
      const m = marquee.current
      if (!m) return
      m.hidden = false
      m.style.transform = `translate(${Math.min(start.x, last.x) - box.left}px, ${Math.min(start.y, last.y) - box.top}px)`
      m.style.width = `${Math.abs(last.x - start.x)}px`
      m.style.height = `${Math.abs(last.y - start.y)}px`
    }
    const onMove = (ev: PointerEvent) => {
      if (touches.current.has(ev.pointerId)) touches.current.set(ev.pointerId, { x: ev.clientX, y: ev.clientY })
      if (touches.current.size === 2) {
        const [a, b] = [...touches.current.values()] as [{ x: number; y: number }, { x: number; y: number }]
        const distance = Math.hypot(a.x - b.x, a.y - b.y)
        pinch ??= { distance, viewport: useCanvas.getState().viewport }
        const mid = { x: (a.x + b.x) / 2 - box.left, y: (a.y + b.y) / 2 - box.top }
        setViewport(zoomAt(pinch.viewport, distance / pinch.distance, mid))
        return
      }
      last = { x: ev.clientX, y: ev.clientY }
      moved ||= Math.hypot(last.x - start.x, last.y - start.y) >= 3
      if (pan) setViewport({ ...from, x: from.x + last.x - start.x, y: from.y + last.y - start.y })
      else if (moved) frame ||= requestAnimationFrame(drawMarquee)
    }
    const onUp = (ev: PointerEvent) => {
      touches.current.delete(ev.pointerId)
      target.removeEventListener('pointermove', onMove)
      target.removeEventListener('pointerup', onUp)
      target.removeEventListener('pointercancel', onUp)
      cancelAnimationFrame(frame)
      if (marquee.current) marquee.current.hidden = true
      if (!moved) {
        if (background && !e.shiftKey) select([])
        return
      }
      if (pan) return
      const { viewport, shown } = useCanvas.getState()
      const a = toCanvas(viewport, { x: start.x - box.left, y: start.y - box.top })
      const b = toCanvas(viewport, { x: last.x - box.left, y: last.y - box.top })
      const rect = { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) }
      const hit = Object.entries(shown)
        .filter(([, c]) => overlaps(rect, { x: c.x * CELL, y: c.y * CELL, w: c.w * CELL, h: c.h * CELL }))
        .map(([id]) => id)
      select(hit, true)
    }
    target.addEventListener('pointermove', onMove)
    target.addEventListener('pointerup', onUp)
    target.addEventListener('pointercancel', onUp)
  }

  function onKeyDown(e: KeyboardEvent<HTMLElement>) {
    if (typing(e.target)) return
    const mod = e.ctrlKey || e.metaKey
    const key = e.key
    const arrows: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
    }
    const step = mod ? undefined : arrows[key]
    if (key === 'Delete' || key === 'Backspace') {
      if (canEdit) void deleteSelection()
    } else if (mod && key.toLowerCase() === 'd') {
      if (canEdit) void duplicateSelection()
    } else if (mod && key.toLowerCase() === 'z') {
      void undoDeletion()
    } else if (mod && key.toLowerCase() === 'a') {
      select(useCanvas.getState().order)
    } else if (step) {
      if (useCanvas.getState().selected.size === 0 || !canEdit) return
      nudgeSelection(step[0], step[1])
    } else if (key === 'Escape') {
      if (!useCanvas.getState().fullscreen) select([])
    } else if (!mod && (key === '+' || key === '=')) zoomIn()
    else if (!mod && key === '-') zoomOut()
    else if (!mod && key === '0') resetZoom()
    else if (!mod && key === '!') zoomToFit()
    else if (!mod && key === '@') zoomToFit(true)
    else return
    e.preventDefault()
  }

  return (
    <CardHostContext.Provider value={{ fullscreenHost, canEdit }}>
      <section
        ref={region}
        className={`canvas${spaceHeld ? ' canvas--panning' : ''}${fullscreen ? ' canvas--fullscreen' : ''}`}
        aria-label="Canvas"
        aria-roledescription="canvas"
        aria-describedby="canvas-help"
        tabIndex={-1}
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
      >
        <p id="canvas-help" className="visually-hidden">
          Tab to a card; Enter opens it, F fullscreen, M minimise, arrows move, Delete to the trash, Ctrl+D duplicates.
          Drag empty space to pan, Shift+drag to select, Ctrl+wheel to zoom.
        </p>
        <div ref={layer} className="canvas__layer">
          <div ref={(el) => void (snapGhost.current = el)} className="canvas__ghost" hidden />
          {order.map((id) => (
            <CanvasCard key={id} id={id} />
          ))}
        </div>
        <div ref={marquee} className="canvas__marquee" hidden />
        <ZoomControls />
        <Minimap />
        <div ref={setFullscreenHost} className="canvas__fullscreen" />
      </section>
    </CardHostContext.Provider>
  )
}
