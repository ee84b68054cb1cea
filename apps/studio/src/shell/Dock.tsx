import type { ReactNode } from 'react'
import { useStudio, type Route } from '../store.ts'
import { hashOf } from './route.ts'
import { COMING_SOON } from './shellCommands.ts'
import { Skeleton } from './Skeleton.tsx'

/** A link of the dock: a real `href` (open in a new tab works), navigated in place on a plain click. */
function DockLink({ route, current, children }: { route: Route; current: boolean; children: ReactNode }) {
  return (
    <a
      className="dock-link"
      href={hashOf(route)}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return
        e.preventDefault()
        useStudio.getState().navigate(route)
      }}
    >
      {children}
    </a>
  )
}

/**
 * The left dock: the views (Canvas, Settings; Graph once it exists), the workspace's panels live from the
 * `workspace:<id>` channel, and places for the assistant, marketplace and versions, which come with issue #15.
 */
export function Dock() {
  const route = useStudio((s) => s.route)
  const panels = useStudio((s) => s.panels)
  const loaded = useStudio((s) => s.panelsLoaded)
  const error = useStudio((s) => s.panelsError)
  return (
    <nav className="dock" aria-label="Dock">
      <ul className="dock-list">
        <li>
          <DockLink route={{ page: 'workspace' }} current={route.page === 'workspace'}>
            <span className="dock-icon dock-icon-canvas" aria-hidden="true" />
            Canvas
          </DockLink>
        </li>
        <li>
          <DockLink route={{ page: 'graph' }} current={route.page === 'graph'}>
            <span className="dock-icon dock-icon-graph" aria-hidden="true" />
            Graph
          </DockLink>
        </li>
        <li>
          <DockLink route={{ page: 'settings' }} current={route.page === 'settings'}>
            <span className="dock-icon dock-icon-settings" aria-hidden="true" />
            Settings
          </DockLink>
        </li>
      </ul>

      <section className="dock-section" aria-labelledby="dock-panels-heading">
        <h2 id="dock-panels-heading" className="dock-heading">
          Panels {loaded && <span className="dock-count">{panels.length}</span>}
        </h2>
        {error && <p className="error dock-error">Could not load panels: {error}</p>}
        {!loaded && !error ? (
          <Skeleton lines={3} label="Loading panels" />
        ) : panels.length === 0 ? (
          <p className="dock-empty muted">Nothing here yet.</p>
        ) : (
          <ul className="dock-list dock-panels">
            {panels.map((p) => (
              <li key={p.id}>
                <DockLink route={{ page: 'panel', panelId: p.id }} current={route.panelId === p.id}>
                  <span className="dock-title">{p.title}</span>
                  <span className="dock-version muted">v{p.version}</span>
                </DockLink>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="dock-section" aria-labelledby="dock-soon-heading">
        <h2 id="dock-soon-heading" className="dock-heading">
          Coming soon
        </h2>
        <ul className="dock-list">
          {['Assistant', 'Marketplace', 'Versions'].map((name) => (
            <li key={name}>
              <span className="dock-link is-disabled" aria-disabled="true" aria-describedby="dock-soon-note">
                <span className={`dock-icon dock-icon-${name.toLowerCase()}`} aria-hidden="true" />
                {name}
              </span>
            </li>
          ))}
        </ul>
        <p id="dock-soon-note" className="dock-note muted">
          {COMING_SOON}: the AI assistant, the marketplace and version history get their places here.
        </p>
      </section>
    </nav>
  )
}
