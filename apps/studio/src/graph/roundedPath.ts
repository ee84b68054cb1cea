/** Corner radius of routed edges, px (smaller where a segment is too short for it). */
const RADIUS = 8

interface Point {
  x: number
  y: number
}

/** An SVG path through `points` with each corner rounded by a quadratic curve. */
export function roundedPath(points: readonly Point[], radius = RADIUS): string {
  const [start, ...rest] = points
  if (!start) return ''
  let d = `M ${start.x} ${start.y}`
  for (let i = 0; i < rest.length; i++) {
    const corner = rest[i]!
    const next = rest[i + 1]
    if (!next) {
      d += ` L ${corner.x} ${corner.y}`
      break
    }
    const prev = i === 0 ? start : rest[i - 1]!
    const r = Math.min(radius, distance(prev, corner) / 2, distance(corner, next) / 2)
    const before = towards(corner, prev, r)
    const after = towards(corner, next, r)
    d += ` L ${before.x} ${before.y} Q ${corner.x} ${corner.y} ${after.x} ${after.y}`
  }
  return d
}

function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y)
}

/** The point `r` from `from` on the way to `to`. */
function towards(from: Point, to: Point, r: number): Point {
  const length = distance(from, to)
  if (length === 0) return from
  return { x: from.x + ((to.x - from.x) * r) / length, y: from.y + ((to.y - from.y) * r) / length }
}
