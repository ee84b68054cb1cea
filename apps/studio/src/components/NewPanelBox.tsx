import { useEffect, useState } from 'react'
import type { Diagnostic } from '@nexus/protocol'
import { ApiError, createPanel, validateNxml } from '../api.ts'
import { COUNTER_SAMPLE } from '../samples.ts'
import { useStudio } from '../store.ts'

/** NXML in, live diagnostics out, and a Create button once it has no errors. */
export function NewPanelBox({ onCreated }: { onCreated: (id: string) => void }) {
  const [nxml, setNxml] = useState(COUNTER_SAMPLE)
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const workspace = useStudio((s) => s.workspaces.find((w) => w.id === s.workspaceId))
  const canEdit = workspace?.role === 'owner' || workspace?.role === 'editor'

  useEffect(() => {
    const timer = setTimeout(() => {
      validateNxml(nxml).then(
        (r) => setDiagnostics(r.diagnostics),
        (e: Error) => setError(e.message),
      )
    }, 250)
    return () => clearTimeout(timer)
  }, [nxml])

  const errors = diagnostics.filter((d) => d.severity === 'error')
  async function create() {
    setBusy(true)
    setError(undefined)
    try {
      const panel = await createPanel(nxml, workspace!.id)
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
      <label htmlFor="nxml-source" className="muted">
        NXML
      </label>
      <textarea
        id="nxml-source"
        aria-label="NXML source"
        spellCheck={false}
        value={nxml}
        onChange={(e) => setNxml(e.target.value)}
        rows={22}
      />
      <ul className="diagnostics" aria-label="Diagnostics">
        {diagnostics.map((d, i) => (
          <li key={i} className={`diagnostic ${d.severity}`}>
            <span className="where">
              {d.line}:{d.column}
            </span>{' '}
            <span className="code">{d.code}</span> {d.message}
            {d.suggestion ? <span className="muted"> ({d.suggestion})</span> : null}
          </li>
        ))}
      </ul>
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
