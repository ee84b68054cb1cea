import type { PatchOp } from '@nexus/protocol'
import { preciseTime, relativeTime } from './formatTime.ts'
import { jsonText, opText } from './jsonText.ts'
import { KERNEL_TOOLS, replayable, type Moment } from './timelineModel.ts'
import { replaySelected, useTimeline } from './timelineStore.ts'

function title(m: Moment): string {
  const tool = m.tool ? (KERNEL_TOOLS[m.tool] ?? m.tool) : undefined
  if (m.kind === 'created') return 'Panel created'
  if (m.kind === 'failure') return `Failed run of ${tool ?? 'a tool'}`
  return `Change ${m.seq}${tool ? ` by ${tool}` : ''}`
}

/** The change (or failure) behind the moment the handle is on: what ran, with what, who, when, which ops. */
export function ChangeDetails({ moment }: { moment: Moment }) {
  const names = useTimeline((s) => s.names)
  const { a, b, mark } = useTimeline()
  const who = moment.actor ? (names[moment.actor] ?? `user ${moment.actor}`) : 'the kernel'
  return (
    <section
      className={`tt-details${moment.kind === 'failure' ? ' tt-details--failure' : ''}`}
      aria-label="Change details"
    >
      <h3>{title(moment)}</h3>
      <dl className="tt-facts">
        <dt>When</dt>
        <dd>
          <time dateTime={new Date(moment.ts).toISOString()}>{preciseTime(moment.ts)}</time>{' '}
          <span className="tt-muted">({relativeTime(moment.ts)})</span>
        </dd>
        <dt>Who</dt>
        <dd data-testid="change-actor">{who}</dd>
        {moment.tool && (
          <>
            <dt>Tool</dt>
            <dd>
              <code>{moment.tool}</code>
              {moment.durationMs !== undefined && (
                <span className="tt-muted"> in {moment.durationMs.toFixed(1)} ms</span>
              )}
            </dd>
          </>
        )}
        {moment.args !== undefined && (
          <>
            <dt>Args</dt>
            <dd>
              <code>{jsonText(moment.args)}</code>
            </dd>
          </>
        )}
        {moment.error && (
          <>
            <dt>Error</dt>
            <dd className="tt-error">
              <code>{moment.error.code}</code> {moment.error.message}
            </dd>
          </>
        )}
      </dl>
      {moment.ops.length > 0 && <OpList ops={moment.ops} label="Operations" />}
      <div className="tt-actions">
        <button
          type="button"
          className="tt-button"
          aria-pressed={a === moment.key}
          onClick={() => mark('a', moment.key)}
        >
          Compare from here (A)
        </button>
        <button
          type="button"
          className="tt-button"
          aria-pressed={b === moment.key}
          onClick={() => mark('b', moment.key)}
        >
          Compare to here (B)
        </button>
        {replayable(moment) && (
          <button type="button" className="tt-button" onClick={() => void replaySelected()}>
            Replay this run
          </button>
        )}
      </div>
      <ReplayResult />
    </section>
  )
}

function OpList({ ops, label }: { ops: readonly PatchOp[]; label: string }) {
  return (
    <ol className="tt-ops" aria-label={label}>
      {ops.map((op, i) => (
        <li key={i}>
          <code>{opText(op)}</code>
        </li>
      ))}
    </ol>
  )
}

function ReplayResult() {
  const replay = useTimeline((s) => s.replay)
  if (replay.status === 'idle') return null
  if (replay.status === 'loading')
    return (
      <p className="tt-muted" role="status">
        Replaying the run in the sandbox…
      </p>
    )
  if (replay.status === 'error')
    return (
      <p className="tt-error" role="alert">
        Replay refused: {replay.message}
      </p>
    )
  const result = replay.value
  const same = result.kind === 'change' ? result.identical : result.reproduced
  const error = result.error ? `${result.error.code}: ${result.error.message}` : undefined
  const verdict =
    result.kind === 'change'
      ? same
        ? 'Replayed: the same operations as recorded.'
        : error
          ? `Replayed: the run failed this time (${error}).`
          : 'Replayed: the operations differ from the recorded ones.'
      : same
        ? `Replayed: it fails again the same way (${error}).`
        : error
          ? `Replayed: it fails differently now (${error}).`
          : 'Replayed: it succeeds now; these operations would apply (nothing was changed).'
  return (
    <section className="tt-replay" aria-label="Replay result">
      <p className={same === (result.kind === 'change') ? 'tt-ok' : 'tt-error'} role="status">
        {verdict}
      </p>
      <div className="tt-columns">
        {result.kind === 'change' ? (
          <OpList ops={result.recorded} label="Recorded operations" />
        ) : (
          <p>
            Recorded: <code>{result.recorded.code}</code> {result.recorded.message}
          </p>
        )}
        {result.replayed && <OpList ops={result.replayed} label="Replayed operations" />}
      </div>
    </section>
  )
}
