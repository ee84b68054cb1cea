import './zodConfig.ts'
import { applyTheme, storedThemeChoice } from './shell/theme.ts'
import './styles.css'

// Before the first render, so the page never flashes the other theme; no inline script (the CSP allows none).
applyTheme(storedThemeChoice())

// The app loads only now: its chunks build zod schemas as they are evaluated (protocol's, shared by the lazy
// views), and a chunk imported statically here would be evaluated before `zodConfig.ts` told zod not to
// compile them with `new Function`, which the CSP reports as a violation.
import('./boot.tsx').catch((error: unknown) => {
  console.error('[studio] could not load', error)
  document.body.textContent = 'Nexus could not load its scripts; reload the page.'
})
