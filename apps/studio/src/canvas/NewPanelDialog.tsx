import { useEffect, useRef } from 'react'
import { NewPanelBox } from '../components/NewPanelBox.tsx'
import { commitLayouts, spotInView } from './canvasActions.ts'
import { holdLayout, select, useCanvas } from './canvasStore.ts'

/** Opens the New panel dialog (the toolbar, the empty state, the palette). */
export function openNewPanel(): void {
  useCanvas.setState({ creating: true })
}

/**
 * Focuses the editor once its chunk has loaded (it mounts in a shadow root, see editor/NxmlEditor.tsx), and
 * again if the focus fell back to the page meanwhile (it does when the dialog reopens), until it has held for
 * a few frames. A person who focused something else in the dialog meanwhile keeps it.
 */
function focusEditor(
  dialog: HTMLDialogElement,
  start = document.activeElement, // what showModal focused: the editor takes over from it
  deadline = performance.now() + 10_000,
  held = 0,
): void {
  if (!dialog.open || performance.now() > deadline || held >= 3) return
  const host = dialog.querySelector<HTMLElement>('.nxml-editor')
  const content = host?.shadowRoot?.querySelector<HTMLElement>('[aria-label="NXML editor"]')
  const active = document.activeElement
  if (active && ![document.body, dialog, host, start].includes(active)) return
  if (content && host?.shadowRoot?.activeElement !== content) content.focus()
  const focused = !!content && host?.shadowRoot?.activeElement === content
  requestAnimationFrame(() => focusEditor(dialog, start, deadline, focused ? held + 1 : 0))
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
    if (creating && el && !el.open) {
      el.showModal()
      focusEditor(el)
    }
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
