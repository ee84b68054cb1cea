import { lazy, Suspense, useEffect } from 'react'
import { PanelPage } from '../pages/PanelPage.tsx'
import { useStudio } from '../store.ts'
import { Dock } from './Dock.tsx'
import { showConnectionToasts } from './panelToasts.ts'
import { useShellCommands } from './shellCommands.ts'
import { bindShortcuts } from './shortcuts.ts'
import { Skeleton } from './Skeleton.tsx'
import { CanvasView, GraphView } from './views.ts'

const SettingsPage = lazy(() => import('../settings/SettingsPage.tsx'))

/** The signed-in studio: the dock on the left, the view of the route beside it; shortcuts and commands bound. */
export function Shell() {
  const route = useStudio((s) => s.route)
  const workspaceId = useStudio((s) => s.workspaceId)
  useShellCommands()
  // The list by HTTP first (its failure is shown in the dock), then live from the workspace channel.
  useEffect(() => {
    void useStudio.getState().refreshPanels()
  }, [workspaceId])
  useEffect(bindShortcuts, [])
  useEffect(() => showConnectionToasts(useStudio.getState().connect()), [])
  return (
    <div className="shell">
      <Dock />
      <main className="shell-main" id="main">
        <Suspense fallback={<Skeleton lines={6} label="Loading" />}>
          {route.page === 'panel' && route.panelId ? (
            <PanelPage key={route.panelId} panelId={route.panelId} />
          ) : route.page === 'settings' ? (
            <SettingsPage />
          ) : route.page === 'graph' ? (
            <GraphView />
          ) : (
            <CanvasView />
          )}
        </Suspense>
      </main>
    </div>
  )
}
