import { Dialog } from './Dialog.tsx'
import { Keys } from './Keys.tsx'
import { SHORTCUTS } from './shortcuts.ts'
import { useUi } from './uiStore.ts'

/** `?` or Ctrl/⌘+/: every shortcut of the shell, in a dialog. */
export function ShortcutsSheet() {
  const close = useUi((s) => s.closeDialog)
  return (
    <Dialog label="Keyboard shortcuts" onClose={close} className="shortcuts">
      <div className="dialog-body">
        <header className="dialog-header">
          <h2>Keyboard shortcuts</h2>
          <button type="button" className="ghost" onClick={close} autoFocus>
            Close
          </button>
        </header>
        <p className="muted">Single keys work when you are not typing in a field or the editor.</p>
        <table className="shortcut-table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys.join('+') + s.what}>
                <td>
                  {s.keys.length === 2 && s.keys[0] === 'G' ? (
                    <>
                      <Keys keys={['G']} /> then <Keys keys={[s.keys[1]!]} />
                    </>
                  ) : (
                    <Keys keys={s.keys} />
                  )}
                </td>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Dialog>
  )
}
