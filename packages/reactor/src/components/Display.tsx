import type { ViewNode } from '@nexus/protocol'
import { useEffect, useRef } from 'react'
import { IMAGE_FITS } from '../nxml/componentSpecs.ts'
import type { Value } from '../expr/values.ts'
import { asList, asNumber, choice, displayText, field, nxAttributes } from './display.ts'
import { useBindings } from './useBindings.ts'

const TONES: Record<string, string> = {
  ok: 'success',
  success: 'success',
  done: 'success',
  warning: 'warning',
  warn: 'warning',
  error: 'danger',
  failed: 'danger',
  danger: 'danger',
  info: 'info',
  running: 'info',
}

/** A coloured status pill; the colour comes from the status, the text from `label` (or the status). */
export function StatusBadge({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const status = displayText(attrs.get('status'))
  const tone = TONES[status.toLowerCase()] ?? 'neutral'
  return (
    <span
      className={`nx-badge nx-badge--${tone}`}
      role="status"
      {...nxAttributes('StatusBadge', displayText(attrs.get('id')), attrs.error)}
    >
      {displayText(attrs.get('label')) || status}
    </span>
  )
}

/** One log line from a string or `{time, level, message}`. */
export function logLine(entry: Value): { time: string; level: string; message: string } {
  if (typeof entry === 'string') return { time: '', level: '', message: entry }
  return {
    time: displayText(field(entry, 'time')),
    level: displayText(field(entry, 'level')),
    message: displayText(field(entry, 'message') ?? entry),
  }
}

/** The newest `maxLines` entries in a scrolling `role="log"` region that follows new lines. */
export function LogStream({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const max = Math.max(1, asNumber(attrs.get('maxLines'), 200))
  const entries = asList(attrs.get('entries')).slice(-max)
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = ref.current
    if (el) el.scrollTop = el.scrollHeight
  }, [entries.length])
  return (
    <div
      ref={ref}
      className="nx-log"
      role="log"
      aria-live="polite"
      tabIndex={0}
      style={{ maxHeight: asNumber(attrs.get('height'), 200) }}
      {...nxAttributes('LogStream', displayText(attrs.get('id')), attrs.error)}
    >
      {entries.map((entry, i) => {
        const line = logLine(entry)
        return (
          <div key={i} className={`nx-log__line${line.level ? ` nx-log__line--${line.level}` : ''}`}>
            {line.time ? <span className="nx-log__time">{line.time}</span> : null}
            {line.level ? <span className="nx-log__level">{line.level}</span> : null}
            <span className="nx-log__message">{line.message}</span>
          </div>
        )
      })}
    </div>
  )
}

/** Only web and inline-image URLs; anything else (e.g. `javascript:`) is dropped. */
export function safeUrl(url: string, images = false): string | undefined {
  const u = url.trim()
  if (/^https?:\/\//i.test(u) || /^mailto:/i.test(u) || /^[./#]/.test(u) || /^[\w-]+(\/[\w.-]*)*$/.test(u)) return u
  if (images && /^data:image\/(png|gif|jpe?g|webp|svg\+xml);/i.test(u)) return u
  return undefined
}

/** An image with required alt text; unsafe URLs are not loaded. */
export function Image({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const src = safeUrl(displayText(attrs.get('src')), true)
  const width = asNumber(attrs.get('width'), NaN)
  const height = asNumber(attrs.get('height'), NaN)
  return (
    <img
      className="nx-image"
      src={src}
      alt={displayText(attrs.get('alt'))}
      width={Number.isFinite(width) ? width : undefined}
      height={Number.isFinite(height) ? height : undefined}
      style={{ objectFit: choice(attrs.get('fit'), IMAGE_FITS, 'contain') }}
      {...nxAttributes('Image', displayText(attrs.get('id')), attrs.error)}
    />
  )
}

/** Preformatted code with its language as a caption. */
export function Code({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const language = displayText(attrs.get('language'))
  return (
    <figure className="nx-code" {...nxAttributes('Code', displayText(attrs.get('id')), attrs.error)}>
      {language ? <figcaption className="nx-code__language">{language}</figcaption> : null}
      <pre tabIndex={0}>
        <code>{displayText(attrs.get('content'))}</code>
      </pre>
    </figure>
  )
}
