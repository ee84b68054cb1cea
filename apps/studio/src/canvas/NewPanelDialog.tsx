import { useEffect, useRef } from 'react'
import { NewPanelBox } from '../components/NewPanelBox.tsx'
import { commitLayouts, spotInView } from './canvasActions.ts'
import { holdLayout, select, useCanvas } from './canvasStore.ts'

/** Opens the New panel dialog (the toolbar, the empty state, the palette). */
export function openNewPanel(): void {
  useCanvas.setState({ creating: true })
}

/**
 * "New panel": the NXML editor in a modal dialog (native `<dialog>`: focus kept inside, Esc closes, focus
 * returns); the editor mounts only while it is open, so its chunk loads on first use. The created card goes
 * to a free spot in view, selected.
 */
export function NewPanelDialog() {
  const creating = useCanvas((s) => s.creating)
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const el = dialog.current
    if (creating && el && !el.open) el.showModal()
    if (!creating && el?.open) el.close()
  }, [creating])
  return (
    <dialog
      ref={dialog}
      className="canvas-dialog"
      aria-label="New panel"
      onClose={() => useCanvas.setState({ creating: false })}
    >
      {creating && (
        <NewPanelBox
          onCreated={(id) => {
            // The kernel puts a new panel at the origin; this canvas puts it where there is room and it is seen.
            const spot = spotInView(id, 4, 4)
            holdLayout(id, spot)
            void commitLayouts(new Map([[id, spot]]))
            select([id])
            useCanvas.setState({ creating: false })
          }}
        />
      )}
      <form method="dialog" className="canvas-dialog__close">
        <button type="submit" className="link" aria-label="Close">
          Close
        </button>
      </form>
    </dialog>
  )
}
