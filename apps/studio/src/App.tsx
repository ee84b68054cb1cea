import { useEffect } from 'react'
import { PanelPage } from './pages/PanelPage.tsx'
import { WorkspacePage } from './pages/WorkspacePage.tsx'
import { useStudio } from './store.ts'

export function App() {
  const route = useStudio((s) => s.route)
  const status = useStudio((s) => s.status)
  const navigate = useStudio((s) => s.navigate)
  useEffect(() => {
    useStudio.getState().connect()
  }, [])
  return (
    <div className="studio">
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
        <span className={`status status-${status}`} role="status" aria-label={`connection ${status}`}>
          {status === 'open' ? 'live' : status === 'connecting' ? 'connecting…' : 'offline, retrying…'}
        </span>
      </header>
      <main>{route.page === 'panel' && route.panelId ? <PanelPage panelId={route.panelId} /> : <WorkspacePage />}</main>
    </div>
  )
}
