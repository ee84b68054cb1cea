import { useEffect, useRef } from 'react'
import { registerCommands } from '../shell/commands.ts'
import { useStudio } from '../store.ts'
import { Canvas } from './Canvas.tsx'
import { deleteSelection, duplicateSelection, undoDeletion, zoomToFit } from './canvasActions.ts'
import { useCanvasCommands } from './canvasCommands.ts'
import { removeCard, replaceCards, resetCanvas, upsertCard, useCanvas } from './canvasStore.ts'
import { boundsOf, CELL } from './grid.ts'
import { NewPanelDialog, openNewPanel } from './NewPanelDialog.tsx'
import { visibleRect } from './viewport.ts'
import { startWorkspaceSync } from './workspaceSync.ts'
import './canvas.css'

/**
 * The workspace home: a toolbar (New panel, the selection's actions) over the canvas of live cards, kept
 * in step with the `workspace:<id>` channel; the toast that undoes a deletion.
 */
export function CanvasPage() {
  const workspaceId = useStudio((s) => s.workspaceId)
  const role = useStudio((s) => s.workspaces.find((w) => w.id === s.workspaceId)?.role)
  const canEdit = role === 'owner' || role === 'editor'
  const loaded = useCanvas((s) => s.loaded)
  const count = useCanvas((s) => s.order.length)
  const selected = useCanvas((s) => s.selected.size)
  const problem = useCanvas((s) => s.problem)
  const fitted = useRef(false)
  useCanvasCommands(canEdit)

  // The palette's (and N's) "New panel" opens this canvas's dialog while the canvas is shown.
  useEffect(
    () =>
      registerCommands([
        {
          id: 'panel.new',
          title: 'New panel',
          group: 'Canvas',
          shortcut: ['N'],
          keywords: 'create add',
          run: openNewPanel,
        },
      ]),
    [],
  )

  useEffect(() => {
    if (!workspaceId) return
    resetCanvas()
    fitted.current = false
    return startWorkspaceSync(useStudio.getState().connect(), workspaceId, {
      snapshot: replaceCards,
      upsert: upsertCard,
      remove: removeCard,
      problem: (message) => useCanvas.setState({ problem: message }),
    })
  }, [workspaceId])

  // The first time the cards arrive and do not all fit in the view, show them all (never above 100%).
  useEffect(() => {
    if (!loaded || fitted.current) return
    fitted.current = true
    const { viewSize, viewport, shown } = useCanvas.getState()
    const cells = boundsOf(Object.values(shown))
    if (!cells || viewSize.width === 0) return
    const view = visibleRect(viewport, viewSize)
    if ((cells.x + cells.w) * CELL > view.x + view.w || (cells.y + cells.h) * CELL > view.y + view.h)
      zoomToFit(false, 1)
  }, [loaded])

  return (
    <div className="canvas-page">
      <div className="canvas-toolbar" role="toolbar" aria-label="Canvas tools">
        <button
          type="button"
          className="primary"
          disabled={!canEdit}
          title={canEdit ? 'New panel' : 'Viewers cannot create panels'}
          onClick={openNewPanel}
        >
          New panel
        </button>
        <span className="muted canvas-toolbar__count" role="status">
          {count} {count === 1 ? 'panel' : 'panels'}
          {selected > 0 && ` · ${selected} selected`}
        </span>
        {selected > 0 && canEdit && (
          <>
            <button type="button" onClick={() => void duplicateSelection()} title="Duplicate (Ctrl/⌘+D)">
              Duplicate
            </button>
            <button type="button" className="danger" onClick={() => void deleteSelection()} title="Delete (Del)">
              Delete
            </button>
          </>
        )}
        {selected > 0 && (
          <button type="button" onClick={() => zoomToFit(true)} title="Zoom to selection (Shift+2)">
            Zoom to selection
          </button>
        )}
      </div>
      {problem && (
        <p className="error canvas-problem" role="alert">
          {problem}{' '}
          <button type="button" className="link" onClick={() => useCanvas.setState({ problem: undefined })}>
            Dismiss
          </button>
        </p>
      )}
      <div className="canvas-stage">
        <Canvas canEdit={canEdit} />
        {loaded && count === 0 && (
          <div className="canvas-empty">
            <p>No panels yet.</p>
            {canEdit && (
              <button type="button" className="primary" onClick={openNewPanel}>
                Create your first panel
              </button>
            )}
          </div>
        )}
        {!loaded && <div className="canvas-empty muted">Loading the canvas…</div>}
      </div>
      <UndoToast />
      <NewPanelDialog />
    </div>
  )
}

function UndoToast() {
  const deletion = useCanvas((s) => s.deletion)
  if (!deletion) return null
  const what = deletion.titles.length === 1 ? `“${deletion.titles[0]}”` : `${deletion.titles.length} panels`
  return (
    <div className="canvas-toast" role="status">
      <span>Moved {what} to the trash.</span>
      <button type="button" onClick={() => void undoDeletion()}>
        Undo
      </button>
      <button
        type="button"
        className="link"
        aria-label="Dismiss"
        onClick={() => useCanvas.setState({ deletion: undefined })}
      >
        ✕
      </button>
    </div>
  )
}
