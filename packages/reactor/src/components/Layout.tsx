import type { ViewNode } from '@nexus/protocol'
import { useMemo } from 'react'
import type { Value } from '../expr/values.ts'
import { autoPlacements, gridPlacements, placementStyle } from '../layout/placement.ts'
import { ALIGNS, GAPS, JUSTIFIES, LAYOUT_STRATEGIES } from '../nxml/componentSpecs.ts'
import { asNumber, choice, displayText, nxAttributes } from './display.ts'
import { elseAfter, ViewChildren, ViewNodeView } from './ViewChildren.tsx'
import { useBindings } from './useBindings.ts'

/** Arranges children in a stack, a row, a grid, or `auto` (a 12-column grid from component weights). */
export function Layout({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const strategy = choice(attrs.get('strategy'), LAYOUT_STRATEGIES, 'stack')
  const gap = choice(attrs.get('gap'), GAPS, 'md')
  const align = choice(attrs.get('align'), ALIGNS, 'stretch')
  const justify = choice(attrs.get('justify'), JUSTIFIES, 'start')
  const columns = gridColumns(attrs.get('columns'))
  // Alignment classes only when asked for, so the default markup stays small.
  const className =
    `nx-layout nx-layout--${strategy} nx-gap--${gap}` +
    (node.attrs['align'] === undefined ? '' : ` nx-align--${align}`) +
    (node.attrs['justify'] === undefined ? '' : ` nx-justify--${justify}`)
  const nx = nxAttributes('Layout', displayText(attrs.get('id')), attrs.error)
  if (strategy === 'stack' || strategy === 'row')
    return (
      <div className={className} {...nx}>
        <ViewChildren nodes={node.children} />
      </div>
    )
  return (
    <PlacedChildren
      className={className}
      nx={nx}
      nodes={node.children}
      columns={strategy === 'auto' ? 12 : columns}
      auto={strategy === 'auto'}
    />
  )
}

/** Children on a CSS grid at the placements the layout engine computed. */
export function PlacedChildren(props: {
  className: string
  nx: Record<string, string>
  nodes: readonly ViewNode[]
  columns: number
  auto: boolean
}) {
  const { nodes, columns, auto } = props
  const placements = useMemo(
    () => (auto ? autoPlacements(nodes, columns) : gridPlacements(nodes, columns)),
    [nodes, columns, auto],
  )
  return (
    <div
      className={props.className}
      style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
      {...props.nx}
    >
      {nodes.map((child, i) =>
        child.type === 'Else' ? null : (
          <div key={i} className="nx-cell" style={placementStyle(placements[i]!)}>
            <ViewNodeView node={child} elseNode={child.type === 'If' ? elseAfter(nodes, i) : undefined} />
          </div>
        ),
      )}
    </div>
  )
}

/** A `columns` attribute as a whole number of grid columns, 1–24 (default 3). */
export function gridColumns(value: Value): number {
  return Math.max(1, Math.min(24, Math.round(asNumber(value, 3))))
}
