import { useRef, useState } from 'react'
import type { Diagnostic } from '@nexus/protocol'
import { ApiError, createPanel } from '../api.ts'
import { LazyNxmlEditor, type NxmlEditorHandle } from '../editor/LazyNxmlEditor.tsx'
import { DiagnosticList } from '../editor/DiagnosticList.tsx'
import { COUNTER_SAMPLE } from '../samples.ts'
import { useStudio } from '../store.ts'

/** NXML in the editor, live diagnostics out, and a Create button (or Ctrl/⌘+S) once it has no errors. */
export function NewPanelBox({ onCreated }: { onCreated: (id: string) => void }) {
  const editor = useRef<NxmlEditorHandle>(null)
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const workspace = useStudio((s) => s.workspaces.find((w) => w.id === s.workspaceId))
  const canEdit = workspace?.role === 'owner' || workspace?.role === 'editor'

  const errors = diagnostics.filter((d) => d.severity === 'error')
  async function create() {
    const formatted = editor.current?.format()
    if (!formatted) return
    if (!formatted.ok) return setError(formatted.reason)
    if (errors.length > 0 || !canEdit || busy) return
    setBusy(true)
    setError(undefined)
    try {
      const panel = await createPanel(formatted.text, workspace!.id)
      onCreated(panel.id)
    } catch (e) {
      const details = e instanceof ApiError ? (e.body.details as { diagnostics?: Diagnostic[] } | undefined) : undefined
      if (details?.diagnostics) setDiagnostics(details.diagnostics)
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card new-panel" aria-labelledby="new-panel-heading">
      <h2 id="new-panel-heading">New panel</h2>
      <LazyNxmlEditor
        initialValue={COUNTER_SAMPLE}
        handle={editor}
        onChange={() => setError(undefined)}
        onDiagnostics={setDiagnostics}
        onSave={() => void create()}
      />
      <DiagnosticList diagnostics={diagnostics} />
      {error && <p className="error">{error}</p>}
      {!canEdit && (
        <p className="muted">You are a viewer in this workspace: you can validate NXML but not create panels.</p>
      )}
      <button
        type="button"
        className="primary"
        disabled={busy || errors.length > 0 || !canEdit}
        onClick={() => void create()}
      >
        {busy ? 'Creating…' : 'Create panel'}
      </button>
    </section>
  )
}
