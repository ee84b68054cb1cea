import { Text } from '@codemirror/state'
import type { Diagnostic } from '@nexus/protocol'
import { compileNxml } from '@nexus/reactor'
import { describe, expect, it } from 'vitest'
import { formatNxml } from './formatNxml.ts'
import { diagnosticRange, toEditorDiagnostic } from './nxmlLint.ts'

const doc = (s: string) => Text.of(s.split('\n'))
const d = (more: Partial<Diagnostic>): Diagnostic => ({
  code: 'NX0000',
  severity: 'error',
  message: 'm',
  line: 1,
  column: 1,
  ...more,
})

describe('diagnosticRange', () => {
  it('uses the span exactly, end exclusive', () => {
    expect(diagnosticRange(d({ span: { start: 2, end: 5 } }), doc('abcdefg'))).toEqual({ from: 2, to: 5 })
  })
  it('widens a zero-length span to the next character, or the previous one at a line end', () => {
    expect(diagnosticRange(d({ span: { start: 2, end: 2 } }), doc('abc\ndef'))).toEqual({ from: 2, to: 3 })
    expect(diagnosticRange(d({ span: { start: 3, end: 3 } }), doc('abc\ndef'))).toEqual({ from: 2, to: 3 })
  })
  it('clamps a span at or past the end of the file', () => {
    expect(diagnosticRange(d({ span: { start: 7, end: 7 } }), doc('abc\ndef'))).toEqual({ from: 6, to: 7 })
    expect(diagnosticRange(d({ span: { start: 5, end: 99 } }), doc('abc\ndef'))).toEqual({ from: 5, to: 7 })
    expect(diagnosticRange(d({ span: { start: 0, end: 0 } }), doc(''))).toEqual({ from: 0, to: 0 })
  })
  it('falls back to 1-based line and column when there is no span', () => {
    expect(diagnosticRange(d({ line: 2, column: 2, endLine: 2, endColumn: 4 }), doc('abc\ndefg'))).toEqual({
      from: 5,
      to: 7,
    })
  })
  it('underlines exactly the misspelt tool of a real reactor diagnostic', () => {
    const src =
      '<NexusPanel title="x" version="1">\n  <View>\n    <Button label="go" trigger="incremnt" />\n  </View>\n</NexusPanel>'
    const first = compileNxml(src).diagnostics.find((x) => x.message.includes('incremnt'))!
    const { from, to } = toEditorDiagnostic(first, doc(src))
    expect(src.slice(from, to)).toBe('incremnt')
  })
})

describe('formatNxml', () => {
  it('keeps text that does not parse and says why', () => {
    const r = formatNxml('<NexusPanel title="x" version="1"><View>')
    expect(r.ok).toBe(false)
    expect(r.ok ? '' : r.reason).toMatch(/^Not formatted/)
  })
  it('rewrites parseable text canonically', () => {
    const r = formatNxml('<NexusPanel   title="x" version="1"><View><Text content="a"/></View></NexusPanel>')
    expect(r).toMatchObject({ ok: true, changed: true })
    expect(r.text).toContain('<Text content="a" />')
  })
})
