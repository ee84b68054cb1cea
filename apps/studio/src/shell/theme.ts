/** What the user chose: follow the system, or one theme whatever the system says. */
export type ThemeChoice = 'system' | 'light' | 'dark'
export type Theme = 'light' | 'dark'

export const THEME_KEY = 'nexus.theme'
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark']

/** The remembered choice; `system` when none (or storage is unavailable). */
export function storedThemeChoice(): ThemeChoice {
  try {
    const value = localStorage.getItem(THEME_KEY)
    return CHOICES.includes(value as ThemeChoice) ? (value as ThemeChoice) : 'system'
  } catch {
    return 'system'
  }
}

export function rememberThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(THEME_KEY)
    else localStorage.setItem(THEME_KEY, choice)
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
}

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)')

export function resolveTheme(choice: ThemeChoice): Theme {
  return choice === 'system' ? (darkQuery().matches ? 'dark' : 'light') : choice
}

/** Sets `data-theme` (read by the tokens in styles.css and the reactor's panel theme) and `color-scheme`. */
export function applyTheme(choice: ThemeChoice): Theme {
  const theme = resolveTheme(choice)
  const root = document.documentElement
  root.dataset.theme = theme
  root.style.colorScheme = theme
  return theme
}

/** Re-applies a `system` choice when the system switches; answers the unsubscribe. */
export function followSystemTheme(current: () => ThemeChoice, changed: (theme: Theme) => void): () => void {
  const query = darkQuery()
  const listener = () => {
    if (current() === 'system') changed(applyTheme('system'))
  }
  query.addEventListener('change', listener)
  return () => query.removeEventListener('change', listener)
}

/** The next choice of the theme toggle: system → light → dark → system. */
export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length]!
}
