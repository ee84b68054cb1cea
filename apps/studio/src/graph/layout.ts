import ELK, { type ElkNode } from 'elkjs/lib/elk-api.js'
import workerUrl from 'elkjs/lib/elk-worker.min.js?url'
import type { NogGraph } from '@nexus/protocol'

/** Every node's box in the layout; the node component is drawn to this size. */
export const NODE_WIDTH = 200
export const NODE_HEIGHT = 52

export interface Positions {
  [id: string]: { x: number; y: number }
}

// ELK runs in a Web Worker (its own script, served as an asset), so a large graph never blocks the page.
let elk: InstanceType<typeof ELK> | undefined

const LAYERED = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.componentComponent': '60',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.edgeLabels.inline': 'true',
}

/** Lays `graph` out left to right (layered: containers before what they contain), each connected part apart. */
export async function layoutGraph(graph: NogGraph): Promise<Positions> {
  elk ??= new ELK({ workerUrl })
  const root: ElkNode = {
    id: '__root',
    layoutOptions: LAYERED,
    children: graph.entities.map((e) => ({ id: e.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: graph.relationships.map((r) => ({
      id: r.id,
      sources: [r.fromId],
      targets: [r.toId],
      labels: [{ text: r.type.replace('_', ' '), width: 70, height: 16 }],
    })),
  }
  const laid = await elk.layout(root)
  const positions: Positions = {}
  for (const child of laid.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 }
  return positions
}
