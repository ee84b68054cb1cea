import { useEffect } from 'react'
import { logout } from '../api.ts'
import { useStudio } from '../store.ts'
import { findCommand, registerCommands, type Command } from './commands.ts'
import { nextThemeChoice, type ThemeChoice } from './theme.ts'
import { toast, useUi } from './uiStore.ts'

/** Features that come with their own issue: in the dock and the palette, disabled with this reason. */
export const COMING_SOON = 'Coming with issue #15'

const THEME_TITLES: Record<ThemeChoice, string> = {
  system: 'Follow the system theme',
  light: 'Use the light theme',
  dark: 'Use the dark theme',
}

/**
 * After "New panel" went home: once the home registers its own `panel.new` (the canvas opens its dialog), that
 * one runs; the old home's editor is focused instead. The home loads in its own time, so this looks each frame.
 */
function newPanelAtHome(shells: Command, deadline = performance.now() + 10_000): void {
  const own = findCommand('panel.new')
  if (own && own !== shells) return own.run()
  const host = document.querySelector<HTMLElement>('.new-panel .nxml-editor')
  const content = host?.shadowRoot?.querySelector<HTMLElement>('[aria-label="NXML editor"]')
  if (content) {
    host!.scrollIntoView({ block: 'nearest' })
    content.focus()
  } else if (performance.now() < deadline) requestAnimationFrame(() => newPanelAtHome(shells, deadline))
}

export function signOut(): void {
  logout()
    .catch((e: Error) => toast(`Could not log out on the server: ${e.message}`, 'error'))
    .finally(() => useStudio.getState().signedOut())
}

function baseCommands(): Command[] {
  const { navigate } = useStudio.getState()
  const ui = useUi.getState()
  const soon = (id: string, title: string): Command => ({
    id,
    title,
    group: 'Coming soon',
    disabled: COMING_SOON,
    run: () => undefined,
  })
  const newPanel: Command = {
    id: 'panel.new',
    title: 'New panel',
    group: 'Panels',
    shortcut: ['N'],
    keywords: 'create add',
    run: () => {
      navigate({ page: 'workspace' })
      newPanelAtHome(newPanel)
    },
  }
  return [
    newPanel,
    {
      id: 'nav.canvas',
      title: 'Go to canvas',
      group: 'Navigation',
      shortcut: ['G', 'C'],
      keywords: 'home workspace',
      run: () => navigate({ page: 'workspace' }),
    },
    {
      id: 'nav.graph',
      title: 'Go to graph',
      group: 'Navigation',
      shortcut: ['G', 'G'],
      keywords: 'nog entities relationships',
      run: () => navigate({ page: 'graph' }),
    },
    {
      id: 'nav.settings',
      title: 'Go to settings',
      group: 'Navigation',
      shortcut: ['G', 'S'],
      keywords: 'members roles keys invitations',
      run: () => navigate({ page: 'settings' }),
    },
    {
      id: 'view.theme',
      title: 'Toggle theme',
      group: 'View',
      shortcut: ['Shift', 'T'],
      keywords: 'dark light appearance',
      run: () => {
        const s = useUi.getState()
        s.setThemeChoice(nextThemeChoice(s.themeChoice))
      },
    },
    ...(['system', 'light', 'dark'] as const).map((choice) => ({
      id: `view.theme.${choice}`,
      title: THEME_TITLES[choice],
      group: 'View',
      keywords: 'theme appearance',
      run: () => useUi.getState().setThemeChoice(choice),
    })),
    {
      id: 'help.shortcuts',
      title: 'Show keyboard shortcuts',
      group: 'Help',
      shortcut: ['?'],
      keywords: 'keys help',
      run: () => ui.openDialog('shortcuts'),
    },
    {
      id: 'workspace.new',
      title: 'New workspace…',
      group: 'Workspace',
      keywords: 'create',
      run: () => ui.openDialog('new-workspace'),
    },
    soon('assistant.open', 'Open the assistant'),
    soon('marketplace.open', 'Browse the marketplace'),
    soon('versions.open', 'Show versions'),
    { id: 'account.logout', title: 'Log out', group: 'Account', keywords: 'sign out', run: signOut },
  ]
}

/** Registers the shell's commands while the shell is mounted; one "Switch to …" per other workspace. */
export function useShellCommands(): void {
  const workspaces = useStudio((s) => s.workspaces)
  const workspaceId = useStudio((s) => s.workspaceId)
  useEffect(() => registerCommands(baseCommands()), [])
  useEffect(
    () =>
      registerCommands(
        workspaces
          .filter((w) => w.id !== workspaceId)
          .map((w) => ({
            id: `workspace.switch.${w.id}`,
            title: `Switch to workspace: ${w.name}`,
            group: 'Workspace',
            keywords: w.role,
            run: () => useStudio.getState().selectWorkspace(w.id),
          })),
      ),
    [workspaces, workspaceId],
  )
}
