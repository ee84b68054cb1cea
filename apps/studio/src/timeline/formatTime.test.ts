import { describe, expect, it } from 'vitest'
import { clockTime, preciseTime, readableMoment, relativeTime } from './formatTime.ts'

const NOON = new Date(2026, 11, 7, 12, 0, 0, 0).getTime()

describe('readable moments', () => {
  it('reads a moment of today as a clock time and another day with its date', () => {
    expect(clockTime(new Date(2026, 11, 7, 9, 5, 7).getTime(), NOON, 'en-GB')).toBe('09:05:07')
    expect(clockTime(new Date(2026, 11, 6, 23, 59, 1).getTime(), NOON, 'en-GB')).toBe('6 Dec 2026, 23:59:01')
  })

  it('adds milliseconds only in the precise form', () => {
    expect(preciseTime(new Date(2026, 11, 7, 9, 5, 7, 42).getTime(), NOON, 'en-GB')).toBe('09:05:07.042')
  })

  it('says how long ago, in the largest whole unit', () => {
    expect(relativeTime(NOON - 2000, NOON, 'en')).toBe('just now')
    expect(relativeTime(NOON - 12_000, NOON, 'en')).toBe('12 sec. ago')
    expect(relativeTime(NOON - 150_000, NOON, 'en')).toBe('2 min. ago')
    expect(relativeTime(NOON - 3 * 3600_000, NOON, 'en')).toBe('3 hr. ago')
    expect(relativeTime(NOON - 24 * 3600_000, NOON, 'en')).toBe('yesterday')
  })

  it('never prints the raw millisecond count', () => {
    const text = readableMoment(NOON - 61_000, NOON, 'en-GB')
    expect(text).toBe('11:58:59 (1 min ago)')
    expect(text).not.toContain(String(NOON - 61_000))
  })
})
