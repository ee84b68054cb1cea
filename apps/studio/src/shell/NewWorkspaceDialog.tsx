import { useState, type FormEvent } from 'react'
import { useStudio } from '../store.ts'
import { Dialog } from './Dialog.tsx'
import { toast, useUi } from './uiStore.ts'

/** "New workspace…": a name, then the workspace is created (`POST /api/workspaces`) and switched to. */
export function NewWorkspaceDialog() {
  const close = useUi((s) => s.closeDialog)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const made = await useStudio.getState().createWorkspace(name.trim())
      close()
      useStudio.getState().navigate({ page: 'workspace' })
      toast(`Workspace “${made.name}” created`, 'success')
    } catch (e) {
      setError((e as Error).message)
      setBusy(false)
    }
  }

  return (
    <Dialog label="New workspace" onClose={close} className="small">
      <form className="dialog-body" onSubmit={(e) => void submit(e)}>
        <h2>New workspace</h2>
        <p className="muted">You own it: invite people and give them roles in its settings.</p>
        <label className="field">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoFocus />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="ghost" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || name.trim() === ''}>
            {busy ? 'Creating…' : 'Create workspace'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
