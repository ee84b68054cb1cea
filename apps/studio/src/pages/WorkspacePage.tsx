import { useEffect } from 'react'
import { NewPanelBox } from '../components/NewPanelBox.tsx'
import { runCommand } from '../shell/commands.ts'
import { EmptyState } from '../shell/EmptyState.tsx'
import { useStudio } from '../store.ts'

/**
 * The workspace home until the canvas lands: an empty state for a workspace without panels, and the new-panel
 * editor. The dock lists the panels (live).
 */
export function WorkspacePage() {
  const panels = useStudio((s) => s.panels)
  const loaded = useStudio((s) => s.panelsLoaded)
  const navigate = useStudio((s) => s.navigate)
  const workspaceId = useStudio((s) => s.workspaceId)
  useEffect(() => {
    void useStudio.getState().refreshPanels()
  }, [workspaceId])
  return (
    <div className="workspace-home">
      {loaded && panels.length === 0 && (
        <EmptyState
          title="Create your first panel"
          action={
            <button type="button" className="primary" onClick={() => runCommand('panel.new')}>
              Write a panel
            </button>
          }
        >
          No panels yet. A panel is a small live app in NXML: start from the counter below, change it, and press Create.
        </EmptyState>
      )}
      <NewPanelBox onCreated={(id) => navigate({ page: 'panel', panelId: id })} />
    </div>
  )
}
