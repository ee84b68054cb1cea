import type { ViewNode } from '@nexus/protocol'
import { componentSpec } from '../nxml/componentSpecs.ts'

/** Where one child goes on a grid: 1-based row and column, and how many columns it spans. */
export interface Placement {
  row: number
  column: number
  span: number
}

export const GRID_COLUMNS = 12

/** The columns a node asks for: its `span` attribute, else its component's weight (unknown: full width). */
export function weightOf(node: ViewNode, columns = GRID_COLUMNS): number {
  return Math.max(1, Math.min(columns, spanOf(node) ?? componentSpec(node.type)?.weight ?? columns))
}

/** The node's `span` attribute when it is a positive integer. */
function spanOf(node: ViewNode): number | undefined {
  const explicit = Number(node.attrs['span'])
  return Number.isInteger(explicit) && explicit > 0 ? explicit : undefined
}

/**
 * The `auto` layout: children fill rows of a 12-column grid in order, each taking its weight; a row that
 * is not full is stretched so it fills the width (extra columns go to its first children). A pure function
 * of the nodes, so the server and the browser place everything identically.
 * @example autoPlacements([metric, metric, chart]) // [{row:1,column:1,span:3}, {row:1,column:4,span:3}, {row:1,column:7,span:6}]
 */
export function autoPlacements(nodes: readonly ViewNode[], columns = GRID_COLUMNS): Placement[] {
  const rows: number[][] = [[]]
  let used = 0
  for (const node of nodes) {
    const w = weightOf(node, columns)
    if (used + w > columns && used > 0) {
      rows.push([])
      used = 0
    }
    rows.at(-1)!.push(w)
    used += w
  }
  const out: Placement[] = []
  rows.forEach((weights, r) => {
    const total = weights.reduce((a, b) => a + b, 0)
    const extra = columns - total
    let column = 1
    weights.forEach((w, i) => {
      // Spread the slack evenly, the remainder to the first children.
      const span = w + Math.floor(extra / weights.length) + (i < extra % weights.length ? 1 : 0)
      out.push({ row: r + 1, column, span })
      column += span
    })
  })
  return out
}

/** The `grid` layout: row-major flow over `columns`, each child taking its `span` attribute (default 1). */
export function gridPlacements(nodes: readonly ViewNode[], columns: number): Placement[] {
  const out: Placement[] = []
  let row = 1
  let column = 1
  for (const node of nodes) {
    const span = Math.max(1, Math.min(columns, spanOf(node) ?? 1))
    if (column + span - 1 > columns) {
      row++
      column = 1
    }
    out.push({ row, column, span })
    column += span
  }
  return out
}

/** The CSS for a placement (inline style object). */
export function placementStyle(p: Placement): { gridColumn: string; gridRow: string } {
  return { gridColumn: `${p.column} / span ${p.span}`, gridRow: String(p.row) }
}
