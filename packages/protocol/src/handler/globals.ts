/** Globals a handler may not use: the sandbox has no host, network, timers or code loading. */
export const FORBIDDEN_GLOBALS: ReadonlySet<string> = new Set([
  'eval',
  'Function',
  'require',
  'import',
  'process',
  'global',
  'globalThis',
  'window',
  'document',
  'self',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'importScripts',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'Deno',
  'Bun',
  'module',
  'exports',
  '__dirname',
  '__filename',
])

/** The globals a handler has (documented in docs/nxml.md). */
export const HANDLER_GLOBALS = ['$state', '$args', '$computed', '$emit', '$log', '$view', '$ext', '$panel'] as const

const FORBIDDEN_FIRST = new Set([...FORBIDDEN_GLOBALS].map((name) => name.charCodeAt(0)))
const FORBIDDEN_MIN = Math.min(...[...FORBIDDEN_GLOBALS].map((name) => name.length))
const FORBIDDEN_MAX = Math.max(...[...FORBIDDEN_GLOBALS].map((name) => name.length))

/** A cheap pre-check (length and first character) before the word `[start, end)` of `text` is cut out. */
export function mayBeForbidden(text: string, start: number, end: number): boolean {
  const length = end - start
  return length >= FORBIDDEN_MIN && length <= FORBIDDEN_MAX && FORBIDDEN_FIRST.has(text.charCodeAt(start))
}
