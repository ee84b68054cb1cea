import type { PanelAst } from '@nexus/protocol'
import { PanelView, createStore } from '@nexus/reactor'
import { useMemo } from 'react'
import { clockTime, relativeTime } from './formatTime.ts'
import type { PastState } from './timelineStore.ts'

const ignore = () => undefined

/**
 * The panel itself as it was at a past moment: the reactor's PanelView over a fresh store seeded with the
 * state TriLog rebuilt, inside a disabled fieldset so no button or input acts; triggers and binds go nowhere.
 */
export function PastPanel({ ast, past, onBack }: { ast: PanelAst; past: PastState; onBack(): void }) {
  const store = useMemo(() => createStore(past.state, ast.computeds), [past, ast])
  const clock = clockTime(past.at)
  return (
    <section className="tt-past" aria-label={`${ast.title} at ${clock}`}>
      <header className="tt-banner">
        <p role="status">
          Viewing <time dateTime={new Date(past.at).toISOString()}>{clock}</time>{' '}
          <span className="tt-muted">({relativeTime(past.at)})</span> — read-only
        </p>
        <button type="button" className="tt-button tt-button--primary" onClick={onBack}>
          Back to live
        </button>
      </header>
      {past.skipped > 0 && (
        <p className="tt-error" role="alert">
          TriLog could not replay {past.skipped} change(s) before this moment; this is the last state it could rebuild.
        </p>
      )}
      <fieldset className="tt-past-view" disabled aria-label="Panel as it was (read-only)">
        <PanelView ast={ast} store={store} onTrigger={ignore} onBind={ignore} />
      </fieldset>
    </section>
  )
}
