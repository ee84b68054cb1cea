import type { ViewNode } from '@nexus/protocol'
import { GAPS, LAYOUT_STRATEGIES } from '../nxml/componentSpecs.ts'
import { choice, displayText, nxAttributes } from './display.ts'
import { ViewChildren } from './ViewChildren.tsx'
import { useBindings } from './useBindings.ts'

/** Arranges children in a stack, a row, a wrapping flow (`auto`) or a grid. */
export function Layout({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const strategy = choice(attrs.get('strategy'), LAYOUT_STRATEGIES, 'stack')
  const gap = choice(attrs.get('gap'), GAPS, 'md')
  return (
    <div
      className={`nx-layout nx-layout--${strategy} nx-gap--${gap}`}
      {...nxAttributes('Layout', displayText(attrs.get('id')), attrs.error)}
    >
      <ViewChildren nodes={node.children} />
    </div>
  )
}
