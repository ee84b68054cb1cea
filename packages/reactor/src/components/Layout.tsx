import type { ViewNode } from '@nexus/protocol'
import { useMemo } from 'react'
import { autoPlacements, gridPlacements, placementStyle } from '../layout/placement.ts'
import { ALIGNS, GAPS, JUSTIFIES, LAYOUT_STRATEGIES } from '../nxml/componentSpecs.ts'
import { asNumber, choice, displayText, nxAttributes } from './display.ts'
import { ViewChildren, ViewNodeView } from './ViewChildren.tsx'
import { useBindings } from './useBindings.ts'

/** Arranges children in a stack, a row, a grid, or `auto` (a 12-column grid from component weights). */
export function Layout({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const strategy = choice(attrs.get('strategy'), LAYOUT_STRATEGIES, 'stack')
  const gap = choice(attrs.get('gap'), GAPS, 'md')
  const align = choice(attrs.get('align'), ALIGNS, 'stretch')
  const justify = choice(attrs.get('justify'), JUSTIFIES, 'start')
  const columns = Math.max(1, Math.min(24, Math.round(asNumber(attrs.get('columns'), 3))))
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

export function elseAfter(nodes: readonly ViewNode[], i: number): ViewNode | undefined {
  const next = nodes[i + 1]
  return next?.type === 'Else' ? next : undefined
}
