import type { Expr, ExprError, ExprResult } from './ast.ts'
import { collectStatePaths, type StatePath } from './collect.ts'
import { evaluateExpression, type Scope } from './evaluate.ts'
import { parseExpression } from './parser.ts'
import { expressionPaths } from './recognize.ts'
import { toText, type Value } from './values.ts'
import { setBounded } from '../util/textCache.ts'

/** An expression inside an attribute; `offset` is where its source starts in the attribute value. */
export interface BindingPart {
  source: string
  expr: Expr
  offset: number
}

/**
 * An attribute value: plain `text`, a single `{expr}` (`expr`, keeps the value's type), or `template`
 * text mixing literal strings and `{expr}` parts (always a string).
 */
export type Binding =
  | { kind: 'text'; text: string }
  | { kind: 'expr'; part: BindingPart }
  | { kind: 'template'; parts: (string | BindingPart)[] }

let cache = new Map<string, ExprResult<Binding>>()
const CACHE_LIMIT = 5000

/** Forgets every parsed binding (see `clearNxmlCaches`). */
export function clearBindingCache(): void {
  cache = new Map() // a new map, not `clear()`: see `util/textCache.ts`
}

/**
 * Parses an attribute value into a binding; error spans are offsets into the attribute value.
 * @example parseBinding('Total: {$state.n} items') // {ok: true, value: {kind: 'template', ...}}
 */
export function parseBinding(attrValue: string): ExprResult<Binding> {
  if (attrValue.indexOf('{') === -1) return { ok: true, value: { kind: 'text', text: attrValue } }
  let result = cache.get(attrValue)
  if (!result) {
    result = parseUncached(attrValue)
    setBounded(cache, CACHE_LIMIT, attrValue, result)
  }
  return result
}

function parseUncached(text: string): ExprResult<Binding> {
  const parts: (string | BindingPart)[] = []
  let pos = 0
  while (pos < text.length) {
    const open = text.indexOf('{', pos)
    if (open === -1) break
    const close = findClose(text, open)
    if (close === -1)
      return {
        ok: false,
        error: { message: 'Missing "}" to close the binding', span: { start: open, end: text.length } },
      }
    if (open > pos) parts.push(text.slice(pos, open))
    const source = text.slice(open + 1, close)
    const parsed = parseExpression(source)
    if (!parsed.ok) return { ok: false, error: shift(parsed.error, open + 1) }
    parts.push({ source, expr: parsed.value, offset: open + 1 })
    pos = close + 1
  }
  if (parts.length === 0) return { ok: true, value: { kind: 'text', text } }
  if (pos < text.length) parts.push(text.slice(pos))
  const only = parts[0]
  if (parts.length === 1 && typeof only !== 'string' && only !== undefined)
    return { ok: true, value: { kind: 'expr', part: only } }
  return { ok: true, value: { kind: 'template', parts } }
}

/** What validation reads from a binding: its expression parts and the state paths they read, part by part. */
export interface BindingFacts {
  parts: readonly { source: string; offset: number }[]
  paths: StatePath[]
}

/**
 * The facts of an attribute value containing `{`, read without building expression trees (a cold compile
 * needs no more); `undefined` when the value does not parse, and then `parseBinding` gives the error.
 * Uncached: the validator caches facts by attribute text.
 */
export function readBinding(text: string): BindingFacts | undefined {
  const parts: BindingFacts['parts'][number][] = []
  const paths: StatePath[] = []
  let pos = 0
  while (pos < text.length) {
    const open = text.indexOf('{', pos)
    if (open === -1) break
    const close = findClose(text, open)
    if (close === -1) return undefined
    const source = text.slice(open + 1, close)
    const found = expressionPaths(source)
    if (!found) return undefined
    parts.push({ source, offset: open + 1 })
    for (const p of found) paths.push(p)
    pos = close + 1
  }
  return { parts, paths }
}

/** The index of the `}` matching the `{` at `open`, skipping braces inside string literals; -1 if none. */
function findClose(text: string, open: number): number {
  let depth = 0
  let quote = 0 // the char code of the open string's quote, 0 outside strings
  for (let i = open; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (quote) {
      if (ch === 92 /* \ */) i++
      else if (ch === quote) quote = 0
    } else if (ch === 34 /* " */ || ch === 39 /* ' */) {
      quote = ch
    } else if (ch === 123 /* { */) {
      depth++
    } else if (ch === 125 /* } */ && --depth === 0) {
      return i
    }
  }
  return -1
}

function shift(error: ExprError, by: number): ExprError {
  return { message: error.message, span: { start: error.span.start + by, end: error.span.end + by } }
}

/** Evaluates a binding; template parts render `null`/`undefined` as empty text. */
export function evaluateBinding(binding: Binding, scope: Scope): ExprResult<Value> {
  switch (binding.kind) {
    case 'text':
      return { ok: true, value: binding.text }
    case 'expr':
      return located(evaluateExpression(binding.part.expr, scope), binding.part.offset)
    case 'template': {
      let out = ''
      for (const part of binding.parts) {
        if (typeof part === 'string') {
          out += part
          continue
        }
        const r = located(evaluateExpression(part.expr, scope), part.offset)
        if (!r.ok) return r
        out += r.value === null || r.value === undefined ? '' : toText(r.value)
      }
      return { ok: true, value: out }
    }
  }
}

function located(r: ExprResult<Value>, offset: number): ExprResult<Value> {
  return r.ok ? r : { ok: false, error: shift(r.error, offset) }
}

/** The expression parts of a binding, in order (none for plain text). */
export function bindingParts(binding: Binding): BindingPart[] {
  if (binding.kind === 'text') return []
  return binding.kind === 'expr' ? [binding.part] : binding.parts.filter((p): p is BindingPart => typeof p !== 'string')
}

/** Every `$state` / `$computed` path the binding reads. */
export function collectBindingPaths(binding: Binding): StatePath[] {
  return bindingParts(binding).flatMap((p) => collectStatePaths(p.expr))
}

/**
 * Parses an attribute whose whole value is one expression (`args="{ step: 1 }"`, `args="[$scope.id]"`);
 * a value wrapped as a single `{expr}` binding is accepted too.
 */
export function parseExpressionAttribute(attrValue: string): ExprResult<BindingPart> {
  const direct = parseExpression(attrValue)
  if (direct.ok) return { ok: true, value: { source: attrValue, expr: direct.value, offset: 0 } }
  const binding = parseBinding(attrValue)
  if (binding.ok && binding.value.kind === 'expr') return { ok: true, value: binding.value.part }
  return direct
}
