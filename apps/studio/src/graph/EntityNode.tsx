import { Handle, Position, type Node, type NodeProps } from '@xyflow/react'
import type { NogEntity } from '@nexus/protocol'
import { lookOf } from './categories.ts'

export type EntityNodeData = { entity: NogEntity }
export type EntityFlowNode = Node<EntityNodeData, 'entity'>

/** One entity on the graph: its category's glyph and colour, its name, and what it is. */
export function EntityNode({ data, selected }: NodeProps<EntityFlowNode>) {
  const { entity } = data
  const look = lookOf(entity)
  return (
    <div className={`graph-node graph-node--${entity.category}${selected ? ' graph-node--selected' : ''}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="graph-node__icon" aria-hidden="true">
        {look.icon}
      </span>
      <span className="graph-node__text">
        <span className="graph-node__name" title={entity.name}>
          {entity.name}
        </span>
        <span className="graph-node__kind">{look.label}</span>
      </span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  )
}
