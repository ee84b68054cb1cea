import { BaseEdge, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react'
import type { ElkPoint } from 'elkjs/lib/elk-api.js'
import { roundedPath } from './roundedPath.ts'

export type RoutedEdgeData = { points: ElkPoint[] | undefined; label: ElkPoint | undefined }
export type RoutedFlowEdge = Edge<RoutedEdgeData, 'routed'>

/**
 * How far (px) a handle may be from where ELK routed the edge before the route counts as stale: xyflow
 * measures from the handle's outer side, a few pixels beyond the node's border where ELK's port sits.
 */
const SLACK = 6

/**
 * An edge along ELK's orthogonal route while both ends are where ELK placed them; once someone drags a node
 * away, a bezier between the handles (the route no longer fits).
 */
export function RoutedEdge(props: EdgeProps<RoutedFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, label, markerEnd } = props
  const points = data?.points ?? []
  const first = points[0]
  const last = points[points.length - 1]
  const near = (p: ElkPoint | undefined, x: number, y: number) =>
    p !== undefined && Math.abs(p.x - x) <= SLACK && Math.abs(p.y - y) <= SLACK
  const fits = points.length >= 2 && near(first, sourceX, sourceY) && near(last, targetX, targetY)
  const [bezier, bezierX, bezierY] = getBezierPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  })
  // The route's ends snap to the handles; its bends stay where ELK put them.
  const route = [{ x: sourceX, y: sourceY }, ...points.slice(1, -1), { x: targetX, y: targetY }]
  const labelAt = fits ? data?.label : undefined
  return (
    <BaseEdge
      id={id}
      path={fits ? roundedPath(route) : bezier}
      markerEnd={markerEnd}
      label={label}
      labelX={labelAt ? labelAt.x : bezierX}
      labelY={labelAt ? labelAt.y : bezierY}
      labelBgPadding={[4, 2]}
      labelBgBorderRadius={4}
    />
  )
}
