import { clockTime } from './formatTime.ts'
import { jsonText } from './jsonText.ts'
import type { Moment } from './timelineModel.ts'
import { useTimeline } from './timelineStore.ts'

/** The state paths added, removed and changed between moment A and moment B, with both values. */
export function DiffView({ from, to }: { from: Moment | undefined; to: Moment | undefined }) {
  const diff = useTimeline((s) => s.diff)
  const mark = useTimeline((s) => s.mark)
  if (!from && !to) return null
  return (
    <section className="tt-diff" aria-label="Diff between two moments">
      <h3>
        Compare {from ? <time dateTime={new Date(from.ts).toISOString()}>A {clockTime(from.ts)}</time> : 'A —'} →{' '}
        {to ? <time dateTime={new Date(to.ts).toISOString()}>B {clockTime(to.ts)}</time> : 'B —'}
      </h3>
      {(!from || !to) && (
        <p className="tt-muted">Move the handle to another moment and mark it as {from ? 'B' : 'A'}.</p>
      )}
      {diff.status === 'loading' && (
        <div className="tt-skeleton tt-skeleton--rows" role="status" aria-label="Loading the diff" />
      )}
      {diff.status === 'error' && (
        <p className="tt-error" role="alert">
          The diff could not be loaded: {diff.message}
        </p>
      )}
      {diff.status === 'ready' &&
        (diff.value.lines.length === 0 ? (
          <p className="tt-muted">No differences: the state is the same at both moments.</p>
        ) : (
          <table className="tt-diff-table">
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Path</th>
                <th scope="col">At A</th>
                <th scope="col">At B</th>
              </tr>
            </thead>
            <tbody>
              {diff.value.lines.map((line, i) => (
                <tr key={i} className={`tt-diff--${line.change}`}>
                  <td>{line.change}</td>
                  <td>
                    <code>{line.path}</code>
                  </td>
                  <td>
                    <code>{jsonText(line.before)}</code>
                  </td>
                  <td>
                    <code>{jsonText(line.after)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <button
        type="button"
        className="tt-button"
        onClick={() => {
          mark('a', undefined)
          mark('b', undefined)
        }}
      >
        Clear comparison
      </button>
    </section>
  )
}
