import '@xyflow/react/dist/style.css'
import './graph.css'
import { ReactFlowProvider } from '@xyflow/react'
import { useMemo } from 'react'
import { useStudio } from '../store.ts'
import { filterGraph } from './filterGraph.ts'
import { GraphCanvas } from './GraphCanvas.tsx'
import { GraphDetails } from './GraphDetails.tsx'
import { GraphFilters } from './GraphFilters.tsx'
import { useGraph } from './graphStore.ts'
import { useNogLive } from './useNogLive.ts'

/**
 * `#/graph`: the workspace's object graph (NOG) — panels, their state and tools, and people's own
 * entities — laid out and live. Its own chunk (with xyflow and ELK): the shell loads it on demand.
 */
export default function GraphPage() {
  const workspaceId = useStudio((s) => s.workspaceId)
  useNogLive(workspaceId)
  const { graph, loading, error, liveError, filter, selectedId, truncated, load } = useGraph()
  const visible = useMemo(() => graph && filterGraph(graph, filter), [graph, filter])
  const selected = graph?.entities.find((e) => e.id === selectedId)

  return (
    <section className="graph-page" aria-labelledby="graph-title">
      <header className="graph-page__head">
        <h1 id="graph-title">Object graph</h1>
        {loading && graph && (
          <span className="muted graph-refreshing" role="status">
            Updating…
          </span>
        )}
      </header>
      {liveError && (
        <p className="muted graph-live-error" role="status">
          Live updates are off ({liveError}); reload the page to see later changes.
        </p>
      )}
      {error && (
        <div className="error graph-error" role="alert">
          <span>The graph could not be loaded: {error}</span>
          {workspaceId && (
            <button type="button" className="graph-button" onClick={() => void load(workspaceId)}>
              Try again
            </button>
          )}
        </div>
      )}
      {!graph && !error && <GraphSkeleton />}
      {graph && graph.entities.length === 0 && <EmptyGraph />}
      {graph && visible && graph.entities.length > 0 && (
        <>
          <GraphFilters entities={graph.entities} shown={visible.entities.length} />
          {truncated && (
            <p className="muted graph-truncated">
              This workspace holds more entities than one view shows; the first {graph.entities.length} are drawn.
            </p>
          )}
          <div className={`graph-body${selected ? ' graph-body--details' : ''}`}>
            <ReactFlowProvider>
              {visible.entities.length === 0 ? (
                <p className="graph-nomatch">No entity matches these filters.</p>
              ) : (
                <GraphCanvas graph={visible} />
              )}
            </ReactFlowProvider>
            {selected && <GraphDetails entity={selected} graph={graph} />}
          </div>
        </>
      )}
    </section>
  )
}

function GraphSkeleton() {
  return (
    <div className="graph-skeleton" role="status" aria-label="Loading the graph">
      <span className="graph-skeleton__bar" />
      <span className="graph-skeleton__bar" />
      <span className="graph-skeleton__bar" />
      <span className="muted">Loading the graph…</span>
    </div>
  )
}

function EmptyGraph() {
  return (
    <div className="graph-empty">
      <h2>No entities yet</h2>
      <p>
        Every panel adds itself to this graph: its state and computed values, its tools, and how they connect. Create a
        panel and it appears here; concepts and relationships that you or the assistant add join them.
      </p>
      <a className="graph-button graph-button--primary" href="#/">
        Go to the panels
      </a>
    </div>
  )
}
