import type { AnomalyFlag, PanelAst } from '@nexus/protocol'
import { useEffect, useReducer, useRef } from 'react'
import { useStudio } from '../store.ts'
import { ChangeDetails } from './ChangeDetails.tsx'
import { DiffView } from './DiffView.tsx'
import { clockTime } from './formatTime.ts'
import { PastPanel } from './PastPanel.tsx'
import { Scrubber } from './Scrubber.tsx'
import { useTimeline } from './timelineStore.ts'
import './timeline.css'

export interface TimeTravelProps {
  panelId: string
  /** The live panel's parsed NXML: the past is drawn with today's view over the state of then. */
  ast: PanelAst
  /** Changes whenever the timeline may have grown: the live version, and a count of failed triggers. */
  revision: string
}

/**
 * Time travel over one panel: the timeline scrubber, the panel as it was at the moment the handle is on
 * (read-only, beside the live one), the change that made that moment, a diff between two marked moments,
 * anomaly flags and "Replay this run".
 */
/** How long after a change the history is read again; later changes meanwhile ride along. */
const REFRESH_AFTER_MS = 400

export default function TimeTravel({ panelId, ast, revision }: TimeTravelProps) {
  const workspaceId = useStudio((s) => s.workspaceId)
  const { moments, flags, selected, past, a, b, select } = useTimeline()

  const seen = useRef(revision)
  // "2 min. ago" moves on: draw again twice a minute (the children read the clock as they render).
  const [, tick] = useReducer((n: number) => n + 1, 0)
  useEffect(() => {
    const timer = setInterval(tick, 30_000)
    return () => clearInterval(timer)
  }, [])
  useEffect(() => {
    useTimeline.getState().open(panelId, workspaceId)
  }, [panelId, workspaceId])
  // `open` fetched the first time; afterwards each new revision may have added to the history. A burst of
  // changes (a busy panel, someone holding a button) refetches once per REFRESH_AFTER_MS, not per change,
  // so the live panel beside it keeps its repaint.
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => {
    if (seen.current === revision) return
    seen.current = revision
    pending.current ??= setTimeout(() => {
      pending.current = undefined
      if (useTimeline.getState().panelId === panelId) void useTimeline.getState().refresh()
    }, REFRESH_AFTER_MS)
  }, [panelId, revision])
  // A history that could not be read while the kernel was away is read again once the connection is back.
  const status = useStudio((s) => s.status)
  useEffect(() => {
    const timeline = useTimeline.getState()
    if (status === 'open' && timeline.panelId === panelId && timeline.moments.status === 'error')
      void timeline.refresh()
  }, [status, panelId])
  useEffect(
    () => () => {
      clearTimeout(pending.current)
      pending.current = undefined
    },
    [panelId],
  )

  const list = moments.status === 'ready' ? moments.value : []
  const find = (key: string | undefined) => list.find((m) => m.key === key)
  const current = find(selected)
  return (
    <section className="tt" aria-labelledby="tt-heading">
      <header className="tt-head">
        <h2 id="tt-heading">Time travel</h2>
        {selected === undefined ? (
          <span className="tt-live-badge">Live</span>
        ) : past.status === 'ready' ? (
          <span className="tt-past-badge">Viewing the past</span>
        ) : (
          // The past panel's banner has its own; this one is for while it loads or failed to.
          <button type="button" className="tt-button" onClick={() => select(undefined)}>
            Back to live
          </button>
        )}
      </header>
      {moments.status === 'loading' || moments.status === 'idle' ? (
        <div className="tt-skeleton tt-skeleton--track" role="status" aria-label="Loading the timeline" />
      ) : moments.status === 'error' ? (
        <p className="tt-error" role="alert">
          The timeline could not be loaded: {moments.message}{' '}
          <button type="button" className="tt-button" onClick={() => void useTimeline.getState().refresh()}>
            Retry
          </button>
        </p>
      ) : list.every((m) => m.kind === 'created') ? (
        <p className="tt-empty">No changes yet: each change to this panel will appear here on a timeline.</p>
      ) : (
        <Scrubber moments={list} selected={selected} a={a} b={b} flags={flags} onSelect={select} />
      )}
      {flags.length > 0 && <Anomalies flags={flags} />}
      {current && past.status === 'loading' && (
        <div className="tt-skeleton tt-skeleton--panel" role="status" aria-label="Rebuilding the panel" />
      )}
      {current && past.status === 'error' && (
        <p className="tt-error" role="alert">
          The panel could not be rebuilt at that moment: {past.message}
        </p>
      )}
      {current && past.status === 'ready' && <PastPanel ast={ast} past={past.value} onBack={() => select(undefined)} />}
      {current && <ChangeDetails moment={current} />}
      <DiffView from={find(a)} to={find(b)} />
    </section>
  )
}

function Anomalies({ flags }: { flags: readonly AnomalyFlag[] }) {
  const name = (tool: string) => tool.slice(tool.indexOf('/') + 1)
  return (
    <ul className="tt-anomalies" aria-label="Anomalies">
      {flags.map((f, i) => (
        <li key={i}>
          ⚑{' '}
          {f.kind === 'latency'
            ? `${name(f.tool)} took ${f.durationMs.toFixed(1)} ms at ${clockTime(f.ts)} (score ${f.score.toFixed(1)})`
            : `${name(f.tool)} fails ${(f.recentRate * 100).toFixed(0)}% of recent runs (usually ${(f.baselineRate * 100).toFixed(0)}%)`}
        </li>
      ))}
    </ul>
  )
}
