import type { ViewNode } from '@nexus/protocol'
import { type ComponentType, createContext, useContext } from 'react'

/** What renders one view node; `elseNode` is the `<Else>` after an `<If>`. */
export type NodeComponent = ComponentType<{ node: ViewNode; elseNode?: ViewNode | undefined }>

/** Component name → component, plus the stand-in for names it does not hold. */
export interface ComponentRegistry {
  components: Readonly<Record<string, NodeComponent>>
  unknown: NodeComponent
}

/**
 * The registry, handed down by `<PanelView>`. It lives in its own leaf module so that `ViewChildren` can
 * render any component without importing one: component modules import `ViewChildren`, never the reverse,
 * and module top levels may wrap components (`memo(...)`) without meeting a half-loaded import cycle.
 */
export const RegistryContext = createContext<ComponentRegistry | undefined>(undefined)

/** The component for a node type: the registry's own entry, else its `unknown` stand-in. */
export function useNodeComponent(type: string): NodeComponent {
  const registry = useContext(RegistryContext)
  if (!registry) throw new Error('Nexus components must be rendered inside <PanelView>')
  return Object.hasOwn(registry.components, type) ? registry.components[type]! : registry.unknown
}
