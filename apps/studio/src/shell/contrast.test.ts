import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { contrastRatio, tokensOf } from './contrast.ts'

const CSS = readFileSync(new URL('../styles.css', import.meta.url), 'utf8')
const LIGHT = tokensOf(CSS, ':root')
// Dark overrides light; what it does not set stays.
const DARK = { ...LIGHT, ...tokensOf(CSS, ":root[data-theme='dark']") }

/** Foreground tokens that carry text, and the backgrounds they are drawn on. */
const PAIRS: [string, string][] = [
  ...['text', 'muted', 'accent', 'danger'].flatMap((fg) =>
    ['bg', 'surface', 'surface-2'].map((bg) => [fg, bg] as [string, string]),
  ),
  ['ok', 'surface'],
  ['warn', 'surface'],
  ['warn', 'surface-2'],
  ['accent-text', 'accent'],
]

describe('design tokens', () => {
  it('reads the token values from styles.css', () => {
    expect(LIGHT.bg).toMatch(/^#[0-9a-f]{6}$/)
    expect(DARK.bg).not.toBe(LIGHT.bg)
    expect(Object.keys(tokensOf(CSS, ":root[data-theme='dark']")).sort()).toEqual([
      'accent',
      'accent-text',
      'bg',
      'border',
      'danger',
      'focus',
      'muted',
      'ok',
      'shadow',
      'surface',
      'surface-2',
      'text',
      'warn',
    ])
  })

  it('computes WCAG contrast like the reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2)
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1)
  })

  for (const [name, tokens] of [
    ['light', LIGHT],
    ['dark', DARK],
  ] as const) {
    it(`keeps text at 4.5:1 or more in the ${name} theme`, () => {
      const weak = PAIRS.map(([fg, bg]) => ({ pair: `${fg} on ${bg}`, ratio: contrastRatio(tokens[fg]!, tokens[bg]!) }))
        .filter((p) => p.ratio < 4.5)
        .map((p) => `${p.pair}: ${p.ratio.toFixed(2)}`)
      expect(weak).toEqual([])
    })

    it(`draws the focus ring at 3:1 or more against the ${name} backgrounds`, () => {
      for (const bg of ['bg', 'surface', 'surface-2'])
        expect(contrastRatio(tokens.focus!, tokens[bg]!)).toBeGreaterThanOrEqual(3)
    })
  }
})
