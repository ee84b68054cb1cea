import type { ViewNode } from '@nexus/protocol'
import type { Value } from '../expr/values.ts'
import { asList, displayText, field, nxAttributes } from './display.ts'
import { useBindings } from './useBindings.ts'

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/**
 * The weeks of a month as day numbers (0 = padding), Monday first. Pure and UTC-based, so server and
 * browser agree whatever their time zones.
 */
export function monthGrid(year: number, month: number): number[][] {
  const first = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const cells = [...Array<number>(first).fill(0), ...Array.from({ length: days }, (_, i) => i + 1)]
  while (cells.length % 7) cells.push(0)
  const weeks: number[][] = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return weeks
}

/** `YYYY-MM` from `month`, else from the first event, else 1970-01 (no clock: renders are reproducible). */
export function calendarMonth(month: string, events: readonly Value[]): { year: number; month: number } {
  const pick = /^(\d{4})-(\d{2})/.exec(month) ?? /^(\d{4})-(\d{2})/.exec(displayText(field(events[0], 'date')))
  if (!pick) return { year: 1970, month: 1 }
  return { year: Number(pick[1]), month: Math.min(12, Math.max(1, Number(pick[2]))) }
}

/** A month view (`role="grid"`) listing each day's events. */
export function Calendar({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const events = asList(attrs.get('events'))
  const { year, month } = calendarMonth(displayText(attrs.get('month')), events)
  const prefix = `${year}-${String(month).padStart(2, '0')}-`
  const byDay = new Map<number, string[]>()
  for (const e of events) {
    const date = displayText(field(e, 'date'))
    if (!date.startsWith(prefix)) continue
    const day = Number(date.slice(prefix.length, prefix.length + 2))
    byDay.set(day, [...(byDay.get(day) ?? []), displayText(field(e, 'title'))])
  }
  const label = `${MONTHS[month - 1]} ${year}`
  return (
    <div className="nx-calendar" {...nxAttributes('Calendar', displayText(attrs.get('id')), attrs.error)}>
      <h4 className="nx-calendar__title">{label}</h4>
      <table role="grid" aria-label={label} className="nx-calendar__grid">
        <thead>
          <tr>
            {WEEKDAYS.map((d) => (
              <th key={d} scope="col">
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {monthGrid(year, month).map((week, w) => (
            <tr key={w}>
              {week.map((day, d) => (
                <td key={d} className={day ? 'nx-calendar__day' : 'nx-calendar__pad'}>
                  {day ? (
                    <>
                      <span className="nx-calendar__date">{day}</span>
                      {(byDay.get(day) ?? []).map((title, i) => (
                        <span key={i} className="nx-calendar__event">
                          {title}
                        </span>
                      ))}
                    </>
                  ) : null}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
