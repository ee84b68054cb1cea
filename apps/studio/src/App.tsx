import { lazy, Suspense, useEffect } from 'react'
import { logout } from './api.ts'
import { CanvasPage } from './canvas/CanvasPage.tsx'
import { AuthPage } from './pages/AuthPage.tsx'
import { PanelPage } from './pages/PanelPage.tsx'
import { useStudio } from './store.ts'

const GraphPage = lazy(() => import('./graph/GraphPage.tsx'))

export function App() {
  const auth = useStudio((s) => s.auth)
  useEffect(() => {
    void useStudio.getState().loadSession()
  }, [])
  return (
    <div className="studio">
      <Header />
      <ConnectionNotice />
      <main>
        {auth === 'loading' && <p className="muted">Loading…</p>}
        {(auth === 'setup' || auth === 'login') && <AuthPage key={auth} initial={auth} />}
        {auth === 'ready' && <Workspace />}
      </main>
    </div>
  )
}

function Workspace() {
  const route = useStudio((s) => s.route)
  useEffect(() => {
    useStudio.getState().connect()
  }, [])
  if (route.page === 'graph')
    return (
      <Suspense fallback={<p className="muted">Loading the graph…</p>}>
        <GraphPage />
      </Suspense>
    )
  return route.page === 'panel' && route.panelId ? <PanelPage panelId={route.panelId} /> : <CanvasPage />
}

/** Shown when the kernel sent something the studio could not read: a WebSocket message or the session. */
function ConnectionNotice() {
  const notice = useStudio((s) => s.connectionNotice ?? s.sessionNotice)
  if (!notice) return null
  return (
    <p className="error connection-notice" role="alert">
      {notice}
    </p>
  )
}

function Header() {
  const { auth, user, status, workspaces, workspaceId, navigate, selectWorkspace } = useStudio()
  return (
    <header className="studio-header">
      <a
        className="brand"
        href="#/"
        onClick={(e) => {
          e.preventDefault()
          navigate({ page: 'workspace' })
        }}
      >
        Nexus
      </a>
      {auth === 'ready' && (
        <div className="header-right">
          {workspaces.length > 1 && (
            <select aria-label="Workspace" value={workspaceId} onChange={(e) => selectWorkspace(e.target.value)}>
              {workspaces.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name} ({w.role})
                </option>
              ))}
            </select>
          )}
          <a href="#/graph">Graph</a>
          <span className={`status status-${status}`} role="status" aria-label={`connection ${status}`}>
            {status === 'open' ? 'live' : status === 'connecting' ? 'connecting…' : 'offline, retrying…'}
          </span>
          <span className="muted">{user?.name}</span>
          <button
            type="button"
            className="link"
            onClick={() => void logout().finally(() => useStudio.getState().signedOut())}
          >
            Log out
          </button>
        </div>
      )}
    </header>
  )
}
