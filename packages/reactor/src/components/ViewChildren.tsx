import type { ViewNode } from '@nexus/protocol'
import { type ComponentType, memo } from 'react'
import { Button } from './Button.tsx'
import { Layout } from './Layout.tsx'
import { Metric } from './Metric.tsx'
import { Text } from './Text.tsx'
import { UnknownComponent } from './UnknownComponent.tsx'

const COMPONENTS: Readonly<Record<string, ComponentType<{ node: ViewNode }>>> = { Layout, Text, Metric, Button }

/**
 * One view node. Memoised on the node object, so a parent re-rendering for its own bindings does not
 * re-render its children: each component re-renders only for the state keys it reads.
 */
export const ViewNodeView = memo(function ViewNodeView({ node }: { node: ViewNode }) {
  const Component = Object.hasOwn(COMPONENTS, node.type) ? COMPONENTS[node.type]! : UnknownComponent
  return <Component node={node} />
})

export function ViewChildren({ nodes }: { nodes: readonly ViewNode[] }) {
  return (
    <>
      {nodes.map((node, i) => (
        <ViewNodeView key={i} node={node} />
      ))}
    </>
  )
}
