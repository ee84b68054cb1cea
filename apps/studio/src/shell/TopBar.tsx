import { useEffect, useRef, useState } from 'react'
import { useStudio } from '../store.ts'
import { ConnectionIndicator } from './ConnectionIndicator.tsx'
import { Keys } from './Keys.tsx'
import { signOut } from './shellCommands.ts'
import type { ThemeChoice } from './theme.ts'
import { useUi } from './uiStore.ts'

const NEW_WORKSPACE = '__new__'

/** Brand, workspace switcher, the palette's button, connection, theme and the user's menu. */
export function TopBar() {
  const auth = useStudio((s) => s.auth)
  const navigate = useStudio((s) => s.navigate)
  return (
    <header className="topbar">
      <a
        className="brand"
        href="#/"
        onClick={(e) => {
          e.preventDefault()
          navigate({ page: 'workspace' })
        }}
      >
        <span className="brand-mark" aria-hidden="true" />
        Nexus
      </a>
      {auth === 'ready' && (
        <>
          <WorkspaceSwitcher />
          <button
            type="button"
            className="palette-button"
            onClick={() => useUi.getState().openDialog('palette')}
            aria-keyshortcuts="Control+K Meta+K"
          >
            <span>Search or run a command…</span>
            <Keys keys={['Mod', 'K']} />
          </button>
          <div className="topbar-right">
            <ConnectionIndicator />
            <ThemeToggle />
            <UserMenu />
          </div>
        </>
      )}
      {auth !== 'ready' && (
        <div className="topbar-right">
          <ThemeToggle />
        </div>
      )}
    </header>
  )
}

function WorkspaceSwitcher() {
  const workspaces = useStudio((s) => s.workspaces)
  const workspaceId = useStudio((s) => s.workspaceId)
  return (
    <select
      className="workspace-switcher"
      aria-label="Workspace"
      value={workspaceId ?? ''}
      onChange={(e) => {
        if (e.target.value === NEW_WORKSPACE) useUi.getState().openDialog('new-workspace')
        else useStudio.getState().selectWorkspace(e.target.value)
      }}
    >
      {workspaces.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
        </option>
      ))}
      <option value={NEW_WORKSPACE}>New workspace…</option>
    </select>
  )
}

const THEME_LABEL: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' }

/** Cycles system → light → dark; says which one is on and what the system gives. */
function ThemeToggle() {
  const choice = useUi((s) => s.themeChoice)
  const theme = useUi((s) => s.theme)
  const next = { system: 'light', light: 'dark', dark: 'system' } as const
  return (
    <button
      type="button"
      className="ghost theme-toggle"
      aria-label={`Theme: ${THEME_LABEL[choice]}${choice === 'system' ? ` (${theme})` : ''}. Switch to ${THEME_LABEL[next[choice]]}`}
      onClick={() => useUi.getState().setThemeChoice(next[choice])}
    >
      <span className={`theme-icon theme-icon-${theme}`} aria-hidden="true" />
      {THEME_LABEL[choice]}
    </button>
  )
}

function UserMenu() {
  const user = useStudio((s) => s.user)
  const navigate = useStudio((s) => s.navigate)
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const away = (e: Event) => root.current && !root.current.contains(e.target as Node) && setOpen(false)
    document.addEventListener('pointerdown', away)
    document.addEventListener('focusin', away)
    return () => {
      document.removeEventListener('pointerdown', away)
      document.removeEventListener('focusin', away)
    }
  }, [open])
  const pick = (work: () => void) => () => {
    setOpen(false)
    work()
  }
  return (
    <div
      className="user-menu"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation()
          setOpen(false)
          root.current?.querySelector('button')?.focus()
        }
      }}
    >
      <button
        type="button"
        className="ghost avatar-button"
        aria-expanded={open}
        aria-controls="user-menu"
        onClick={() => setOpen(!open)}
      >
        <span className="avatar" aria-hidden="true">
          {(user?.name ?? '?').slice(0, 1).toUpperCase()}
        </span>
        <span className="user-name">{user?.name}</span>
      </button>
      {open && (
        <ul className="menu" id="user-menu" aria-label="Account">
          <li className="menu-note muted">{user?.email}</li>
          <li>
            <button type="button" onClick={pick(() => navigate({ page: 'settings' }))}>
              Settings
            </button>
          </li>
          <li>
            <button type="button" onClick={pick(() => useUi.getState().openDialog('shortcuts'))}>
              Keyboard shortcuts
            </button>
          </li>
          <li>
            <button type="button" onClick={pick(signOut)}>
              Log out
            </button>
          </li>
        </ul>
      )}
    </div>
  )
}
