import type { LogEntry } from '@nexus/protocol'

export interface LogLine extends LogEntry {
  /** The tool whose run wrote it, or `studio` for the studio's own notes. */
  tool: string
  at: number
}

/** Most lines the drawer keeps (a run itself keeps at most 200). */
export const MAX_LOG_LINES = 200

/** Adds a run's lines, dropping the oldest past `MAX_LOG_LINES`. */
export function appendLog(lines: readonly LogLine[], tool: string, entries: readonly LogEntry[]): LogLine[] {
  const at = Date.now()
  const added = entries.map((entry) => ({ ...entry, tool, at }))
  return [...lines, ...added].slice(-MAX_LOG_LINES)
}

/** The `$log` output of the runs this page triggered, newest last; closed until there is something to read. */
export function LogDrawer({ lines, onClear }: { lines: readonly LogLine[]; onClear: () => void }) {
  return (
    <details className="log-drawer" open={lines.length > 0}>
      <summary>
        Log <span className="muted">({lines.length})</span>
      </summary>
      {lines.length === 0 ? (
        <p className="muted">Nothing logged yet: a handler's $log(…) output shows here.</p>
      ) : (
        <>
          <ol className="log-lines" aria-label="Handler log">
            {lines.map((line, i) => (
              <li key={i} className={`log-line log-${line.level}`}>
                <time dateTime={new Date(line.at).toISOString()}>{new Date(line.at).toLocaleTimeString()}</time>{' '}
                <span className="log-tool">{line.tool}</span> <span className="log-message">{line.message}</span>
              </li>
            ))}
          </ol>
          <button type="button" className="secondary" onClick={onClear}>
            Clear
          </button>
        </>
      )}
    </details>
  )
}
