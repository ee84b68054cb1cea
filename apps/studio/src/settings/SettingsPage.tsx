import { useStudio } from '../store.ts'
import { ApiKeysSection } from './ApiKeysSection.tsx'
import { AppearanceSection } from './AppearanceSection.tsx'
import { MembersSection } from './MembersSection.tsx'
import { WorkspaceSection } from './WorkspaceSection.tsx'
import './settings.css'

/** `#/settings`: the workspace, its members, roles and invitations, the user's API keys, the theme. */
export default function SettingsPage() {
  const name = useStudio((s) => s.workspaces.find((w) => w.id === s.workspaceId)?.name)
  return (
    <div className="settings">
      <header className="page-header">
        <h1>Settings</h1>
        {name && <span className="muted">{name}</span>}
      </header>
      <div className="settings-grid">
        <WorkspaceSection />
        <MembersSection />
        <ApiKeysSection />
        <AppearanceSection />
      </div>
    </div>
  )
}
