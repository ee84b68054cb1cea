import { useEffect } from 'react'
import { ApiKeysSection } from '../components/ApiKeysSection.tsx'
import { MembersSection } from '../components/MembersSection.tsx'
import { NewPanelBox } from '../components/NewPanelBox.tsx'
import { useStudio } from '../store.ts'

export function WorkspacePage() {
  const panels = useStudio((s) => s.panels)
  const error = useStudio((s) => s.panelsError)
  const navigate = useStudio((s) => s.navigate)
  const workspaceId = useStudio((s) => s.workspaceId)
  useEffect(() => {
    void useStudio.getState().refreshPanels()
  }, [workspaceId])
  return (
    <div className="workspace">
      <div className="side">
        <section className="card" aria-labelledby="panels-heading">
          <h2 id="panels-heading">Panels</h2>
          {error && <p className="error">Could not load panels: {error}</p>}
          {panels.length === 0 && !error ? (
            <p className="empty">No panels yet. Write one in NXML on the right and press Create.</p>
          ) : (
            <ul className="panel-list">
              {panels.map((p) => (
                <li key={p.id}>
                  <a
                    href={`#/panels/${p.id}`}
                    onClick={(e) => {
                      e.preventDefault()
                      navigate({ page: 'panel', panelId: p.id })
                    }}
                  >
                    {p.title}
                  </a>
                  <span className="muted"> v{p.version}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <MembersSection />
        <ApiKeysSection />
      </div>
      <NewPanelBox onCreated={(id) => navigate({ page: 'panel', panelId: id })} />
    </div>
  )
}
