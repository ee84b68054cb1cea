import type { AnomalyFlag } from '@nexus/protocol'
import { useRef, type KeyboardEvent, type PointerEvent } from 'react'
import { clockTime, readableMoment, relativeTime } from './formatTime.ts'
import { KERNEL_TOOLS, flaggedMoments, indexAt, positionOf, stepIndex, type Moment } from './timelineModel.ts'

export interface ScrubberProps {
  moments: readonly Moment[]
  /** The moment the handle is on; `undefined` is live (the right end). */
  selected: string | undefined
  a: string | undefined
  b: string | undefined
  flags: readonly AnomalyFlag[]
  onSelect(key: string | undefined): void
}

/** How a moment reads in a tooltip and in the slider's aria-valuetext. */
export function describeMoment(m: Moment, now = Date.now()): string {
  const tool = m.tool ? (KERNEL_TOOLS[m.tool] ?? m.tool) : undefined
  const what = m.kind === 'created' ? 'created' : m.kind === 'failure' ? `${tool ?? 'run'} failed` : (tool ?? 'change')
  return `${readableMoment(m.ts, now)}, ${what}`
}

const MAX_LABELS = 5

/**
 * The times under the track: the first moment and a few evenly after it, leaving out a label that crowds
 * "Live" at the right end or repeats the one before it (several changes in one second).
 */
function timeTicks(moments: readonly Moment[], now: number): { moment: Moment; index: number; text: string }[] {
  const count = moments.length
  const step = count <= MAX_LABELS ? 1 : (count - 1) / (MAX_LABELS - 1)
  const ticks: { moment: Moment; index: number; text: string }[] = []
  for (let n = 0; n < Math.min(count, MAX_LABELS); n++) {
    const index = Math.round(n * step)
    const moment = moments[index]
    if (!moment || (index > 0 && positionOf(index, count) > 0.88)) continue
    const text = clockTime(moment.ts, now)
    if (text !== ticks.at(-1)?.text) ticks.push({ moment, index, text })
  }
  return ticks
}

/**
 * The timeline slider: moments evenly spaced along a track (creation, changes, failures in red, anomaly
 * flags), live at the right end. Drag the handle or click the track; ←/→ step to the previous/next moment,
 * Home to the first, End back to live.
 */
export function Scrubber({ moments, selected, a, b, flags, onSelect }: ScrubberProps) {
  const track = useRef<HTMLDivElement>(null)
  const count = moments.length
  const found = moments.findIndex((m) => m.key === selected)
  const index = found === -1 ? count : found
  const now = Date.now()
  const current = moments[index]
  const flagged = flaggedMoments(moments, flags)
  const ticks = timeTicks(moments, now)

  const go = (i: number) => onSelect(i >= count ? undefined : moments[i]?.key)
  const fromPointer = (e: PointerEvent) => {
    const box = track.current?.getBoundingClientRect()
    if (!box || box.width === 0) return
    go(indexAt((e.clientX - box.left) / box.width, count))
  }
  const onKeyDown = (e: KeyboardEvent) => {
    const next = stepIndex(e.key, index, count)
    if (next === undefined) return
    e.preventDefault()
    go(next)
  }

  return (
    <div className="tt-scrubber">
      <div
        className="tt-slider"
        role="slider"
        tabIndex={0}
        aria-label="Timeline"
        aria-valuemin={0}
        aria-valuemax={count}
        aria-valuenow={index}
        aria-valuetext={current ? describeMoment(current, now) : 'Live'}
        onKeyDown={onKeyDown}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId)
          e.currentTarget.focus()
          fromPointer(e)
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) fromPointer(e)
        }}
      >
        <div className="tt-track" ref={track}>
          <div className="tt-fill" style={{ width: `${positionOf(index, count) * 100}%` }} />
          {moments.map((m, i) => (
            <span
              key={m.key}
              className={`tt-marker tt-marker--${m.kind}${flagged.has(m.key) ? ' tt-marker--flagged' : ''}`}
              data-kind={m.kind}
              style={{ left: `${positionOf(i, count) * 100}%` }}
              title={describeMoment(m, now)}
            >
              {m.key === a && <span className="tt-pin">A</span>}
              {m.key === b && <span className="tt-pin">B</span>}
            </span>
          ))}
          <span className="tt-marker tt-marker--live" style={{ left: '100%' }} title="Live" />
          <span
            className={`tt-handle${current?.kind === 'failure' ? ' tt-handle--failure' : ''}`}
            style={{ left: `${positionOf(index, count) * 100}%` }}
          />
        </div>
      </div>
      <div className="tt-ticks" aria-hidden="true">
        {ticks.map(({ moment: m, index: i, text }) => (
          <time
            key={m.key}
            dateTime={new Date(m.ts).toISOString()}
            style={{ left: `${positionOf(i, count) * 100}%` }}
            title={relativeTime(m.ts, now)}
          >
            {text}
          </time>
        ))}
        <span className="tt-tick-live" style={{ left: '100%' }}>
          Live
        </span>
      </div>
    </div>
  )
}
