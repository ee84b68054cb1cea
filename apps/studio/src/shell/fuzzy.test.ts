import { describe, expect, it } from 'vitest'
import { fuzzyFilter, fuzzyMatch } from './fuzzy.ts'

describe('fuzzyMatch', () => {
  it('matches a subsequence case-insensitively and answers the positions', () => {
    expect(fuzzyMatch('cnt', 'Counter')?.positions).toEqual([0, 3, 4])
    expect(fuzzyMatch('COUNTER', 'counter')?.positions).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('answers undefined when a character is missing or out of order', () => {
    expect(fuzzyMatch('xyz', 'Counter')).toBeUndefined()
    expect(fuzzyMatch('rc', 'Counter')).toBeUndefined()
    expect(fuzzyMatch('counters', 'Counter')).toBeUndefined()
  })

  it('prefers word starts over letters inside words', () => {
    // "gs" could take the "g" of "Settings"; the word starts of "Go" and "settings" score higher.
    expect(fuzzyMatch('gs', 'Go to settings')?.positions).toEqual([0, 6])
    expect(fuzzyMatch('np', 'New panel')?.positions).toEqual([0, 4])
    expect(fuzzyMatch('np', 'newPanel')?.positions).toEqual([0, 3])
  })

  it('prefers consecutive letters', () => {
    expect(fuzzyMatch('set', 'Go to settings')?.positions).toEqual([6, 7, 8])
  })

  it('ignores spaces in the query and matches everything on an empty one', () => {
    expect(fuzzyMatch('go set', 'Go to settings')?.positions).toEqual([0, 1, 6, 7, 8])
    expect(fuzzyMatch('', 'anything')).toEqual({ score: 0, positions: [] })
  })
})

describe('fuzzyFilter', () => {
  const commands = ['Toggle theme', 'Go to settings', 'Go to canvas', 'Show keyboard shortcuts', 'Log out']

  it('orders matches best first and drops the rest', () => {
    expect(fuzzyFilter(commands, 'gc', (c) => c).map((r) => r.item)).toEqual(['Go to canvas'])
    // Consecutive letters at a word start beat letters scattered over the words.
    expect(fuzzyFilter(commands, 'sett', (c) => c).map((r) => r.item)).toEqual([
      'Go to settings',
      'Show keyboard shortcuts',
    ])
    // At the very start beats a later word start; the shorter text wins a tie.
    expect(fuzzyFilter(commands, 'to', (c) => c).map((r) => r.item)).toEqual([
      'Toggle theme',
      'Go to canvas',
      'Go to settings',
    ])
  })

  it('keeps the given order for an empty query', () => {
    expect(fuzzyFilter(commands, '', (c) => c).map((r) => r.item)).toEqual(commands)
  })
})
