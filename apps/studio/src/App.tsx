import { useEffect } from 'react'
import { AuthPage } from './pages/AuthPage.tsx'
import { CommandPalette } from './shell/CommandPalette.tsx'
import { NewWorkspaceDialog } from './shell/NewWorkspaceDialog.tsx'
import { Shell } from './shell/Shell.tsx'
import { ShortcutsSheet } from './shell/ShortcutsSheet.tsx'
import { Skeleton } from './shell/Skeleton.tsx'
import { followSystemTheme } from './shell/theme.ts'
import { TopBar } from './shell/TopBar.tsx'
import { Toasts } from './shell/Toasts.tsx'
import { useUi } from './shell/uiStore.ts'
import { useStudio } from './store.ts'
import './shell/shell.css'

export function App() {
  const auth = useStudio((s) => s.auth)
  useEffect(() => {
    void useStudio.getState().loadSession()
  }, [])
  useEffect(
    () =>
      followSystemTheme(
        () => useUi.getState().themeChoice,
        (theme) => useUi.getState().systemThemeChanged(theme),
      ),
    [],
  )
  return (
    <div className="studio">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar />
      <ConnectionNotice />
      {auth === 'loading' && (
        <main className="shell-loading" id="main">
          <Skeleton lines={4} label="Loading Nexus" />
        </main>
      )}
      {(auth === 'setup' || auth === 'login') && (
        <main className="auth-main" id="main">
          <AuthPage key={auth} initial={auth} />
        </main>
      )}
      {auth === 'ready' && <Shell />}
      <Dialogs />
      <Toasts />
    </div>
  )
}

/** The shell's one open dialog, if any. */
function Dialogs() {
  const dialog = useUi((s) => s.dialog)
  const auth = useStudio((s) => s.auth)
  if (auth !== 'ready') return dialog === 'shortcuts' ? <ShortcutsSheet /> : null
  if (dialog === 'palette') return <CommandPalette />
  if (dialog === 'shortcuts') return <ShortcutsSheet />
  if (dialog === 'new-workspace') return <NewWorkspaceDialog />
  return null
}

/** Shown when the kernel sent something the studio could not read: a WebSocket message or the session. */
function ConnectionNotice() {
  const notice = useStudio((s) => s.connectionNotice ?? s.sessionNotice)
  if (!notice) return null
  return (
    <p className="error connection-notice" role="alert">
      {notice}
    </p>
  )
}
