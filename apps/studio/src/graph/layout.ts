import ELK, { type ElkNode, type ElkPoint } from 'elkjs/lib/elk-api.js'
import workerUrl from 'elkjs/lib/elk-worker.min.js?url'
import type { NogGraph } from '@nexus/protocol'

/** Every node's box in the layout; the node component is drawn to this size. */
export const NODE_WIDTH = 200
export const NODE_HEIGHT = 52
const LABEL_WIDTH = 72
const LABEL_HEIGHT = 16

/** Where ELK put things: node corners, and per edge its route (handle to handle) and label centre. */
export interface Layout {
  nodes: Record<string, ElkPoint>
  edges: Record<string, { points: ElkPoint[]; label: ElkPoint | undefined }>
}

// ELK runs in a Web Worker (its own script, served as an asset), so a large graph never blocks the page.
let elk: InstanceType<typeof ELK> | undefined

const LAYERED = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '100',
  'elk.layered.spacing.edgeNodeBetweenLayers': '24',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeEdge': '12',
  'elk.spacing.componentComponent': '60',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.edgeLabels.placement': 'CENTER',
}

/**
 * One port in the middle of each side, where xyflow draws the node's handles (in on the left, out on the
 * right), so ELK's routes start and end exactly at the handles.
 */
function node(id: string): ElkNode {
  return {
    id,
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
    ports: [
      { id: `${id}#in`, x: 0, y: NODE_HEIGHT / 2, width: 0, height: 0, layoutOptions: { 'elk.port.side': 'WEST' } },
      {
        id: `${id}#out`,
        x: NODE_WIDTH,
        y: NODE_HEIGHT / 2,
        width: 0,
        height: 0,
        layoutOptions: { 'elk.port.side': 'EAST' },
      },
    ],
  }
}

/** Lays `graph` out left to right (layered: containers before what they contain), each connected part apart. */
export async function layoutGraph(graph: NogGraph): Promise<Layout> {
  elk ??= new ELK({ workerUrl })
  const root: ElkNode = {
    id: '#root',
    layoutOptions: LAYERED,
    children: graph.entities.map((e) => node(e.id)),
    edges: graph.relationships.map((r) => ({
      id: r.id,
      sources: [`${r.fromId}#out`],
      targets: [`${r.toId}#in`],
      labels: [{ text: r.type, width: LABEL_WIDTH, height: LABEL_HEIGHT }],
    })),
  }
  const laid = await elk.layout(root)
  const layout: Layout = { nodes: {}, edges: {} }
  for (const child of laid.children ?? []) layout.nodes[child.id] = { x: child.x ?? 0, y: child.y ?? 0 }
  for (const edge of laid.edges ?? []) {
    const section = edge.sections?.[0]
    if (!section) continue
    const label = edge.labels?.[0]
    layout.edges[edge.id] = {
      points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint],
      label:
        label?.x === undefined || label.y === undefined
          ? undefined
          : { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2 },
    }
  }
  return layout
}
