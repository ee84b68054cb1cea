import { clamp, type Rect } from './grid.ts'

/** The view onto the canvas: a point at canvas units `c` is on screen at `c * zoom + (x, y)`. */
export interface Viewport {
  x: number
  y: number
  zoom: number
}

export const MIN_ZOOM = 0.25
export const MAX_ZOOM = 2
/** One step of the +/− buttons and keys. */
export const ZOOM_STEP = 1.25

export interface Point {
  x: number
  y: number
}

export function toCanvas(v: Viewport, screen: Point): Point {
  return { x: (screen.x - v.x) / v.zoom, y: (screen.y - v.y) / v.zoom }
}

/** Zooms by `factor` keeping the canvas point under `at` (view-relative pixels) where it is. */
export function zoomAt(v: Viewport, factor: number, at: Point): Viewport {
  const zoom = clamp(v.zoom * factor, MIN_ZOOM, MAX_ZOOM)
  const anchor = toCanvas(v, at)
  return { zoom, x: at.x - anchor.x * zoom, y: at.y - anchor.y * zoom }
}

/** The viewport that shows all of `content` (canvas units) inside a view of `size`, with `padding` pixels around. */
export function fitTo(
  content: Rect,
  size: { width: number; height: number },
  padding = 48,
  maxZoom = MAX_ZOOM,
): Viewport {
  const zoom = clamp(
    Math.min((size.width - 2 * padding) / content.w, (size.height - 2 * padding) / content.h),
    MIN_ZOOM,
    maxZoom,
  )
  return {
    zoom,
    x: (size.width - content.w * zoom) / 2 - content.x * zoom,
    y: (size.height - content.h * zoom) / 2 - content.y * zoom,
  }
}

/** Moves the view so the canvas point `c` is at the middle of a view of `size`. */
export function centreOn(v: Viewport, c: Point, size: { width: number; height: number }): Viewport {
  return { zoom: v.zoom, x: size.width / 2 - c.x * v.zoom, y: size.height / 2 - c.y * v.zoom }
}

/** The canvas rectangle (canvas units) a view of `size` shows. */
export function visibleRect(v: Viewport, size: { width: number; height: number }): Rect {
  return { x: -v.x / v.zoom, y: -v.y / v.zoom, w: size.width / v.zoom, h: size.height / v.zoom }
}
