import type { ThemeChoice } from '../shell/theme.ts'
import { useUi } from '../shell/uiStore.ts'

const CHOICES: { value: ThemeChoice; label: string; hint: string }[] = [
  { value: 'system', label: 'System', hint: 'Follows your operating system' },
  { value: 'light', label: 'Light', hint: '' },
  { value: 'dark', label: 'Dark', hint: '' },
]

/** The theme: system, light or dark, remembered in this browser. */
export function AppearanceSection() {
  const choice = useUi((s) => s.themeChoice)
  const theme = useUi((s) => s.theme)
  return (
    <section className="card settings-section" aria-labelledby="appearance-heading">
      <h2 id="appearance-heading">Appearance</h2>
      <fieldset className="theme-choices">
        <legend className="muted">Theme (remembered in this browser; now {theme})</legend>
        {CHOICES.map((c) => (
          <label key={c.value} className={`theme-choice${choice === c.value ? ' is-checked' : ''}`}>
            <input
              type="radio"
              name="theme"
              value={c.value}
              checked={choice === c.value}
              onChange={() => useUi.getState().setThemeChoice(c.value)}
            />
            <span className={`theme-swatch theme-swatch-${c.value}`} aria-hidden="true" />
            <span>
              {c.label}
              {c.hint && <span className="muted"> · {c.hint}</span>}
            </span>
          </label>
        ))}
      </fieldset>
    </section>
  )
}
