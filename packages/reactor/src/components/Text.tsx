import type { ViewNode } from '@nexus/protocol'
import { displayText, nxAttributes } from './display.ts'
import { useBindings } from './useBindings.ts'

/** A paragraph of text; `content` may mix text and `{bindings}`. */
export function Text({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  return (
    <p className="nx-text" {...nxAttributes('Text', displayText(attrs.get('id')), attrs.error)}>
      {displayText(attrs.get('content'))}
    </p>
  )
}
