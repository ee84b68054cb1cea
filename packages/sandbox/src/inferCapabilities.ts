import { urlHost } from '@nexus/protocol'
import { maskSource } from './maskSource.ts'

const IDENT = '[A-Za-z_$][\\w$]*'
/** `$state.key` or `$state['key']`, then any deeper `.x` / `[…]` chain. */
const STATE_ACCESS = new RegExp(
  `(?<![\\w$.])\\$state\\s*(?:\\.\\s*(${IDENT})|\\[\\s*(['"\`])([^'"\`]*)\\2\\s*\\])((?:\\s*(?:\\.\\s*${IDENT}|\\[[^\\]]*\\]))*)`,
  'g',
)
const ASSIGN = /^\s*(?:[-+*/%&|^]|\*\*|<<|>>>?|&&|\|\||\?\?)?=(?![=>])/
const UPDATE_AFTER = /^\s*(?:\+\+|--)/
const UPDATE_BEFORE = /(?:\+\+|--|\bdelete)\s*$/
const MUTATING_METHOD = /\.\s*(?:push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin)\s*$/
const OBJECT_ASSIGN_TARGET = /Object\s*\.\s*assign\s*\(\s*$/
const EMIT = /(?<![\w$.])\$emit\s*\(\s*(['"`])([^'"`$]*)\1/g
const EXT = new RegExp(`(?<![\\w$.])\\$ext\\s*\\.\\s*(${IDENT})\\s*\\.`, 'g')
const VIEW = /(?<![\w$.])\$view\s*\./
const PANEL_CALL = /(?<![\w$.])\$panel\s*\.\s*call\s*\(\s*(['"`])([^'"`$]*)\1/g
const HTTP_CALL = new RegExp(
  `(?<![\\w$.])\\$ext\\s*\\.\\s*http\\s*\\.\\s*${IDENT}\\s*\\(\\s*(['"\`])([^'"\`$]*)\\1`,
  'g',
)

/**
 * Capabilities a handler needs, found statically: `state:write:<key>` for writes to a top-level state key
 * (assignment, compound assignment, `++`/`--`, `delete`, mutating array methods, `Object.assign` target),
 * `state:read:<key>` for other reads, `events:emit:<name>` for `$emit('<name>', …)`, `ext:<alias>` for
 * `$ext.<alias>.…`, `view:update` for `$view.…`, `panel:call:<id>` for `$panel.call('<id>', …)` and
 * `net:<host>` for `$ext.http.<method>('http(s)://<host>/…')` string literals, the host in the canonical form the
 * runtime check uses (`net:[::1]`, see `canonicalHost` in `@nexus/protocol`). Dynamic keys, names and URLs
 * (including template literals with `${}`) are not found; the runtime check still catches them. Sorted and unique.
 *
 * @example inferCapabilities('$state.count += $args.step') // ['state:read:count', 'state:write:count']
 */
export function inferCapabilities(code: string): string[] {
  const masked = maskSource(code)
  const found = new Set<string>()
  for (const match of masked.matchAll(STATE_ACCESS)) {
    const start = match.index
    const end = start + match[0].length
    const key =
      match[2] === undefined ? (match[1] as string) : literalText(code, start + match[0].indexOf(match[2]), match[3])
    if (key === '') continue
    const chain = match[4] ?? ''
    const before = masked.slice(0, start)
    const after = masked.slice(end)
    const write =
      ASSIGN.test(after) ||
      UPDATE_AFTER.test(after) ||
      UPDATE_BEFORE.test(before) ||
      MUTATING_METHOD.test(chain) ||
      OBJECT_ASSIGN_TARGET.test(before)
    const plainAssign = chain.trim() === '' && (/^\s*=(?![=>])/.test(after) || /\bdelete\s*$/.test(before))
    if (write) found.add(`state:write:${key}`)
    if (!plainAssign) found.add(`state:read:${key}`)
  }
  for (const match of masked.matchAll(EMIT)) {
    const name = literalText(code, masked.indexOf(match[1] as string, match.index), match[2])
    if (name !== '') found.add(`events:emit:${name}`)
  }
  for (const match of masked.matchAll(EXT)) found.add(`ext:${match[1] as string}`)
  if (VIEW.test(masked)) found.add('view:update')
  for (const match of masked.matchAll(PANEL_CALL)) {
    const id = literalText(code, masked.indexOf(match[1] as string, match.index), match[2])
    if (id !== '') found.add(`panel:call:${id}`)
  }
  for (const match of masked.matchAll(HTTP_CALL)) {
    const host = urlHost(literalText(code, match.index + match[0].length - 1 - (match[2] ?? '').length - 1, match[2]))
    if (host) found.add(`net:${host}`)
  }
  return [...found].sort()
}

/** The original text of a literal whose opening quote is at `quoteAt` (the masked copy has it blanked). */
function literalText(code: string, quoteAt: number, masked: string | undefined): string {
  return code.slice(quoteAt + 1, quoteAt + 1 + (masked ?? '').length)
}
