import { useEffect, useState } from 'react'
import type { AnomalyFlag, JsonObject, TimelineEntry, ToolBaseline } from '@nexus/protocol'
import { anomalies as loadAnomalies, stateAt, timeline } from '../api.ts'

const SHOWN = ['state_change', 'trigger_failed', 'snapshot', 'created']

/**
 * A moment as people read it: the time to the millisecond, with the date when it is not today. Every field is
 * named: options that name only `fractionalSecondDigits` print the milliseconds alone ("487").
 */
function time(ts: number): string {
  const at = new Date(ts)
  const clock = at.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hour12: false,
  })
  if (at.toDateString() === new Date().toDateString()) return clock
  return `${at.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })} ${clock}`
}

/**
 * The panel's recent history from TriLog: changes and failures (pick one to see the state as it was then),
 * and per-tool handler baselines with anomaly flags.
 */
export function HistoryPanel({ panelId, version }: { panelId: string; version: number | undefined }) {
  const [entries, setEntries] = useState<TimelineEntry[]>([])
  const [baselines, setBaselines] = useState<ToolBaseline[]>([])
  const [flags, setFlags] = useState<AnomalyFlag[]>([])
  const [picked, setPicked] = useState<{ at: number; state: JsonObject }>()
  const [error, setError] = useState<string>()

  useEffect(() => {
    // TriLog batches writes; read a moment after the change so it is there.
    const timer = setTimeout(() => {
      Promise.all([timeline(panelId, 40), loadAnomalies(panelId)]).then(
        ([t, a]) => {
          setEntries(t.entries.filter((e) => SHOWN.includes(e.kind)).reverse())
          setBaselines(a.baselines)
          setFlags(a.flags)
          setError(undefined)
        },
        (e: Error) => setError(e.message),
      )
    }, 300)
    return () => clearTimeout(timer)
  }, [panelId, version])

  const name = (tool: string) => tool.slice(tool.indexOf('/') + 1)
  return (
    <section className="card history" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {error && <p className="error">{error}</p>}
      {flags.length > 0 && (
        <ul className="anomalies" aria-label="Anomalies">
          {flags.map((f, i) => (
            <li key={i} className="diagnostic warning">
              {f.kind === 'latency'
                ? `${name(f.tool)} took ${f.durationMs.toFixed(1)} ms at ${time(f.ts)} (score ${f.score.toFixed(1)})`
                : `${name(f.tool)} fails ${(f.recentRate * 100).toFixed(0)}% of recent runs (usually ${(f.baselineRate * 100).toFixed(0)}%)`}
            </li>
          ))}
        </ul>
      )}
      {baselines.length > 0 && (
        <table className="baselines">
          <thead>
            <tr>
              <th>Tool</th>
              <th>Runs</th>
              <th>Median</th>
              <th>Errors</th>
            </tr>
          </thead>
          <tbody>
            {baselines.map((b) => (
              <tr key={b.tool}>
                <td>{name(b.tool)}</td>
                <td>{b.count}</td>
                <td>{b.medianMs.toFixed(2)} ms</td>
                <td>{(b.errorRate * 100).toFixed(0)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries.length === 0 && !error ? (
        <p className="empty">No changes yet.</p>
      ) : (
        <ol className="timeline" aria-label="Timeline">
          {entries.map((e) => (
            <li key={`${e.ts}-${e.seq}-${e.kind}`}>
              <button
                type="button"
                className="link"
                onClick={() => void stateAt(panelId, e.ts).then(setPicked, (err: Error) => setError(err.message))}
              >
                <time dateTime={new Date(e.ts).toISOString()}>{time(e.ts)}</time>
              </button>{' '}
              <span className={e.kind === 'trigger_failed' ? 'error' : undefined}>{e.summary}</span>
            </li>
          ))}
        </ol>
      )}
      {picked && (
        <div className="state-at">
          <h3>State at {time(picked.at)}</h3>
          <pre>{JSON.stringify(picked.state, null, 2)}</pre>
        </div>
      )}
    </section>
  )
}
