import type { ViewNode } from '@nexus/protocol'
import { ViewChildren } from './ViewChildren.tsx'

/** A visible stand-in for a component the reactor does not know; its children still render. */
export function UnknownComponent({ node }: { node: ViewNode }) {
  return (
    <div className="nx-unknown" role="note" data-nx="Unknown" data-nx-type={node.type}>
      <span className="nx-unknown__label">{`Unknown component <${node.type}>`}</span>
      <ViewChildren nodes={node.children} />
    </div>
  )
}
