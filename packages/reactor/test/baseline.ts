import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { compileNxml } from '../src/index.ts'

export const CASES_DIR = fileURLToPath(new URL('./cases/', import.meta.url))
export const BASELINES_DIR = fileURLToPath(new URL('./baselines/', import.meta.url))

export function caseNames(): string[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.nxml'))
    .map((f) => f.slice(0, -'.nxml'.length))
    .sort()
}

export function readCase(name: string): string {
  return readFileSync(`${CASES_DIR}${name}.nxml`, 'utf8')
}

/** The committed expectation for one case: diagnostics with positions, then the AST without spans. */
export function baselineOf(source: string): string {
  const result = compileNxml(source)
  const diagnostics = result.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    at: `${d.line}:${d.column}-${d.endLine}:${d.endColumn}`,
    message: d.message,
    ...(d.suggestion === undefined ? {} : { suggestion: d.suggestion }),
  }))
  // Spans are left out (the diagnostics pin positions); handler lines stay, they map sandbox errors to NXML.
  const ast = result.ast ?? null
  return `${JSON.stringify({ ok: result.ok, diagnostics, ast }, (key, value: unknown) => (key === 'span' ? undefined : value), 2)}\n`
}
