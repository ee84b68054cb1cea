import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useNodesState,
  useReactFlow,
  type NodeChange,
} from '@xyflow/react'
import type { NogEntity, NogGraph, NogRelationship } from '@nexus/protocol'
import { useStudio } from '../store.ts'
import { CATEGORY_COLOURS, entityKind, lookOf, panelOf } from './categories.ts'
import { EntityNode, type EntityFlowNode } from './EntityNode.tsx'
import { neighbourhood } from './filterGraph.ts'
import { useGraph } from './graphStore.ts'
import { layoutGraph, type Layout } from './layout.ts'
import { RoutedEdge, type RoutedFlowEdge } from './RoutedEdge.tsx'

const NODE_TYPES = { entity: EntityNode }
/** Above this many nodes only those in view are rendered (xyflow culls the rest). */
const CULL_ABOVE = 300
const EDGE_TYPES = { routed: RoutedEdge }

/** The graph's shape as a string: a relayout is needed only when it changes, not on every reload. */
function shapeOf(graph: NogGraph): string {
  return [...graph.entities.map((e) => e.id), '|', ...graph.relationships.map((r) => r.id)].join('\n')
}

/** With a selection, what does not touch it fades (nodes: those not one hop away). */
function dimmed(selectedId: string | undefined, r: NogRelationship): boolean {
  return selectedId !== undefined && r.fromId !== selectedId && r.toId !== selectedId
}

/** The relationships as edges, along ELK's routes when `layout` is the current one. */
function toEdges(graph: NogGraph, layout: Layout | undefined, selectedId: string | undefined): RoutedFlowEdge[] {
  return graph.relationships.map((r) => ({
    id: r.id,
    type: 'routed' as const,
    source: r.fromId,
    target: r.toId,
    label: r.type.replace('_', ' '),
    className: `graph-edge graph-edge--${r.type}${dimmed(selectedId, r) ? ' graph-dim' : ''}`,
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    focusable: false,
    data: { points: layout?.edges[r.id]?.points, label: layout?.edges[r.id]?.label },
  }))
}

/**
 * The interactive graph: ELK lays the visible entities out (in a worker), xyflow draws them with zoom, pan,
 * fit, a minimap and keyboard focus. Click selects, double-click (or Enter on a panel) opens the panel.
 */
export function GraphCanvas({ graph }: { graph: NogGraph }) {
  const { selectedId, select } = useGraph()
  const navigate = useStudio((s) => s.navigate)
  const { fitView } = useReactFlow()
  const [nodes, setNodes, onNodesChange] = useNodesState<EntityFlowNode>([])
  const [laidOut, setLaidOut] = useState<{ shape: string; layout: Layout } | undefined>()
  const [layoutError, setLayoutError] = useState<string | undefined>()
  const shape = shapeOf(graph)
  const byId = useMemo(() => new Map(graph.entities.map((e) => [e.id, e])), [graph])

  useEffect(() => {
    let current = true
    layoutGraph(graph).then(
      (layout) => current && (setLaidOut({ shape, layout }), setLayoutError(undefined)),
      (error: unknown) => current && setLayoutError(error instanceof Error ? error.message : String(error)),
    )
    return () => {
      current = false
    }
    // `shape` stands for `graph` here: a reload with the same entities and relationships keeps the layout.
  }, [shape])

  // A new shape is placed where ELK put it; a reload of the same shape keeps where people dragged nodes.
  const placed = useRef<string | undefined>(undefined)
  useEffect(() => {
    if (laidOut?.shape !== shape) return
    const keep = placed.current === shape
    placed.current = shape
    setNodes((previous) => {
      const kept = new Map(previous.map((n) => [n.id, n.position]))
      return graph.entities.map((entity) => ({
        id: entity.id,
        type: 'entity' as const,
        position: (keep && kept.get(entity.id)) || laidOut.layout.nodes[entity.id] || { x: 0, y: 0 },
        data: { entity },
        selected: entity.id === useGraph.getState().selectedId,
        ariaLabel: `${entity.name}, ${lookOf(entity).label.toLowerCase()}`,
      }))
    })
  }, [laidOut, graph, shape, setNodes])

  // Fit once the freshly laid out nodes are measured.
  useEffect(() => {
    if (laidOut?.shape !== shape) return
    const frame = requestAnimationFrame(() => void fitView({ padding: 0.15, maxZoom: 1.2, duration: 0 }))
    return () => cancelAnimationFrame(frame)
  }, [laidOut, shape, fitView])

  // The store's selection (the details pane, a relation link) shows on the nodes, its neighbourhood bright.
  useEffect(() => {
    const near = selectedId === undefined ? undefined : neighbourhood(selectedId, graph.relationships)
    setNodes((ns) =>
      ns.map((n) => {
        const selected = n.id === selectedId
        const className = near && !near.has(n.id) ? 'graph-dim' : undefined
        return n.selected === selected && n.className === className ? n : { ...n, selected, className }
      }),
    )
  }, [selectedId, graph, laidOut, setNodes])

  const edges = useMemo(
    () => toEdges(graph, laidOut?.shape === shape ? laidOut.layout : undefined, selectedId),
    [graph, laidOut, shape, selectedId],
  )

  const onChange = useCallback(
    (changes: NodeChange<EntityFlowNode>[]) => {
      onNodesChange(changes)
      // xyflow selects on click and Enter and clears on Escape; the store follows (the details pane shows it).
      for (const c of changes) {
        if (c.type !== 'select') continue
        if (c.selected) select(c.id)
        else if (c.id === useGraph.getState().selectedId) select(undefined)
      }
    },
    [onNodesChange, select],
  )

  const open = useCallback(
    (entity: NogEntity | undefined) => {
      const panelId = entity && panelOf(entity)
      if (panelId) navigate({ page: 'panel', panelId })
    },
    [navigate],
  )

  // Enter on a focused panel node opens it; on any other node it shows its details (xyflow selects it too).
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Enter') return
    const id = (event.target as HTMLElement).closest('.react-flow__node')?.getAttribute('data-id')
    const entity = id ? byId.get(id) : undefined
    if (!entity) return
    if (entityKind(entity) === 'panel') open(entity)
    else select(entity.id)
  }

  return (
    <div className="graph-canvas" onKeyDown={onKeyDown}>
      {laidOut?.shape !== shape && !layoutError && (
        <p className="graph-laying-out" role="status">
          Laying out {graph.entities.length} entities…
        </p>
      )}
      {layoutError && (
        <p className="error graph-layout-error" role="alert">
          The layout failed: {layoutError}
        </p>
      )}
      <ReactFlow<EntityFlowNode, RoutedFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onChange}
        onNodeClick={(_, node) => select(node.id)}
        onNodeDoubleClick={(_, node) => open(node.data.entity)}
        onPaneClick={() => select(undefined)}
        nodesConnectable={false}
        edgesFocusable={false}
        zoomOnDoubleClick={false}
        onlyRenderVisibleElements={graph.entities.length > CULL_ABOVE}
        minZoom={0.05}
        maxZoom={2}
        deleteKeyCode={null}
        proOptions={{ hideAttribution: true }}
        aria-label="Object graph"
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} aria-label="Zoom controls" />
        <MiniMap
          pannable
          zoomable
          ariaLabel="Graph overview"
          nodeColor={(n) => CATEGORY_COLOURS[(n.data as EntityFlowNode['data']).entity.category]}
          nodeStrokeWidth={2}
        />
      </ReactFlow>
    </div>
  )
}
