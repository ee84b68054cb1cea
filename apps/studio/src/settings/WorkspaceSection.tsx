import { useStudio } from '../store.ts'
import { useUi } from '../shell/uiStore.ts'

const ROLE_TEXT = {
  owner: 'You own this workspace: you invite people, change their roles and remove them.',
  editor: 'You are an editor: you create and change panels and use their tools.',
  viewer: 'You are a viewer: you see the panels live but cannot change them.',
} as const

/** The current workspace, the caller's role in it, and "New workspace…". */
export function WorkspaceSection() {
  const workspace = useStudio((s) => s.workspaces.find((w) => w.id === s.workspaceId))
  const count = useStudio((s) => s.workspaces.length)
  if (!workspace) return null
  return (
    <section className="card settings-section" aria-labelledby="workspace-heading">
      <h2 id="workspace-heading">Workspace</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{workspace.name}</dd>
        <dt>Your role</dt>
        <dd>
          <span className={`role-badge role-${workspace.role}`}>{workspace.role}</span> {ROLE_TEXT[workspace.role]}
        </dd>
        <dt>Workspaces</dt>
        <dd>
          You are in {count} workspace{count === 1 ? '' : 's'}; switch in the top bar or with Ctrl/⌘+K.
        </dd>
      </dl>
      <button type="button" className="secondary" onClick={() => useUi.getState().openDialog('new-workspace')}>
        New workspace…
      </button>
    </section>
  )
}
