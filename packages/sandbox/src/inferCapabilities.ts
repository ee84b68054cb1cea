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

/**
 * Capabilities a handler needs, found statically: `state:write:<key>` for writes to a top-level state key
 * (assignment, compound assignment, `++`/`--`, `delete`, mutating array methods, `Object.assign` target),
 * `state:read:<key>` for other reads, `events:emit:<name>` for `$emit('<name>', …)`. Dynamic keys and
 * names are not found; the runtime check still catches them. Sorted and unique.
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
  return [...found].sort()
}

/** The original text of a literal whose opening quote is at `quoteAt` (the masked copy has it blanked). */
function literalText(code: string, quoteAt: number, masked: string | undefined): string {
  return code.slice(quoteAt + 1, quoteAt + 1 + (masked ?? '').length)
}
