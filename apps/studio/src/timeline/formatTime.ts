// Moments as people read them. The track, its handle's aria-valuetext and the details all go through here,
// so a raw millisecond count never reaches the screen.

const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }

/** "14:02:31", with the date in front when `ts` is not on the same day as `now`: "7 Dec 2026, 14:02:31". */
export function clockTime(ts: number, now: number = Date.now(), locale?: string): string {
  const at = new Date(ts)
  const clock = at.toLocaleTimeString(locale, CLOCK)
  if (at.toDateString() === new Date(now).toDateString()) return clock
  return `${at.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' })}, ${clock}`
}

/** "14:02:31.487": the clock with milliseconds, for details where two changes may share a second. */
export function preciseTime(ts: number, now: number = Date.now(), locale?: string): string {
  const ms = String(new Date(ts).getMilliseconds()).padStart(3, '0')
  const base = clockTime(ts, now, locale)
  return `${base}.${ms}`
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
  ['second', 1000],
]

/** "just now", "12 sec. ago", "2 min. ago", "yesterday": how long before `now` the moment was. */
export function relativeTime(ts: number, now: number = Date.now(), locale?: string): string {
  const elapsed = now - ts
  if (Math.abs(elapsed) < 5000) return 'just now'
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' })
  for (const [unit, size] of UNITS) {
    if (Math.abs(elapsed) >= size) return format.format(-Math.trunc(elapsed / size), unit)
  }
  return 'just now'
}

/** "14:02:31 (2 min. ago)". */
export function readableMoment(ts: number, now: number = Date.now(), locale?: string): string {
  return `${clockTime(ts, now, locale)} (${relativeTime(ts, now, locale)})`
}
