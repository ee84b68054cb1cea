import { useRef, useState } from 'react'
import type { Diagnostic } from '@nexus/protocol'
import { ApiError, getPanel, updateNxml } from '../api.ts'
import { DiagnosticList } from './DiagnosticList.tsx'
import { LazyNxmlEditor, type NxmlEditorHandle } from './LazyNxmlEditor.tsx'

type Dropped = { key: string; reason: string }[]

/**
 * "Edit NXML" on a panel page: the panel's NXML in the editor, saved (formatted) with
 * `PUT /api/panels/:id/nxml`; state that no longer fits the declarations is listed after the save.
 */
export function EditNxmlBox({ panelId }: { panelId: string }) {
  const editor = useRef<NxmlEditorHandle>(null)
  const [nxml, setNxml] = useState<string>()
  const [open, setOpen] = useState(false)
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const [saved, setSaved] = useState<{ version: number; dropped: Dropped }>()

  async function openEditor() {
    setError(undefined)
    setSaved(undefined)
    try {
      setNxml((await getPanel(panelId)).nxml)
      setOpen(true)
    } catch (e) {
      setError((e as Error).message)
    }
  }

  const errors = diagnostics.filter((d) => d.severity === 'error')
  async function save() {
    const formatted = editor.current?.format()
    if (!formatted) return
    if (!formatted.ok) return setError(formatted.reason)
    if (errors.length > 0 || busy) return
    setBusy(true)
    setError(undefined)
    try {
      const answer = await updateNxml(panelId, formatted.text)
      setSaved({ version: answer.version, dropped: answer.dropped })
    } catch (e) {
      const details = e instanceof ApiError ? (e.body.details as { diagnostics?: Diagnostic[] } | undefined) : undefined
      if (details?.diagnostics) setDiagnostics(details.diagnostics)
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  if (!open)
    return (
      <div className="edit-nxml">
        <button type="button" onClick={() => void openEditor()}>
          Edit NXML
        </button>
        {error && <p className="error">{error}</p>}
      </div>
    )
  return (
    <section className="card edit-nxml" aria-label="Edit NXML">
      <LazyNxmlEditor
        key={panelId}
        initialValue={nxml ?? ''}
        handle={editor}
        onChange={() => setError(undefined)}
        onDiagnostics={setDiagnostics}
        onSave={() => void save()}
      />
      <DiagnosticList diagnostics={diagnostics} />
      {error && <p className="error">{error}</p>}
      {saved && (
        <div role="status">
          <p className="muted">Saved as version {saved.version}.</p>
          {saved.dropped.length > 0 && (
            <ul className="dropped" aria-label="Dropped state">
              {saved.dropped.map((d) => (
                <li key={d.key}>
                  <code>{d.key}</code>: {d.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="edit-nxml-actions">
        <button type="button" className="primary" disabled={busy || errors.length > 0} onClick={() => void save()}>
          {busy ? 'Saving…' : 'Save NXML'}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </section>
  )
}
