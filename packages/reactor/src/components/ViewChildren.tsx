import type { ViewNode } from '@nexus/protocol'
import { memo } from 'react'
import { useNodeComponent } from './registry.ts'

/**
 * One view node. Memoised on the node object, so a parent re-rendering for its own bindings does not
 * re-render its children: each component re-renders only for the state keys it reads.
 */
export const ViewNodeView = memo(function ViewNodeView({
  node,
  elseNode,
}: {
  node: ViewNode
  elseNode?: ViewNode | undefined
}) {
  const Component = useNodeComponent(node.type)
  return <Component node={node} elseNode={elseNode} />
})

/** A list of nodes; an `<Else>` is rendered by the `<If>` just before it. */
export function ViewChildren({ nodes }: { nodes: readonly ViewNode[] }) {
  return (
    <>
      {nodes.map((node, i) => {
        if (node.type === 'Else')
          return i > 0 && nodes[i - 1]!.type === 'If' ? null : <ViewNodeView key={i} node={node} />
        return <ViewNodeView key={i} node={node} elseNode={node.type === 'If' ? elseAfter(nodes, i) : undefined} />
      })}
    </>
  )
}

/** The `<Else>` right after `nodes[i]`, if any. */
export function elseAfter(nodes: readonly ViewNode[], i: number): ViewNode | undefined {
  const next = nodes[i + 1]
  return next?.type === 'Else' ? next : undefined
}
