import type { Json, StateType } from '@nexus/protocol'
import type { Expr } from '../expr/ast.ts'
import { evaluateExpression } from '../expr/evaluate.ts'
import { parseExpression } from '../expr/parser.ts'
import { setOwn, toJson } from '../expr/toJson.ts'
import { TextCache } from '../util/textCache.ts'
import { type JsonKind, jsonKind } from './jsonText.ts'

export type DefaultResult = { ok: true; value: Json } | { ok: false; message: string }

/** The value a `State` of `type` starts with when it has no `default`. */
export function zeroValue(type: StateType): Json {
  switch (type) {
    case 'string':
      return ''
    case 'number':
      return 0
    case 'boolean':
      return false
    case 'list':
      return []
    case 'object':
      return {}
  }
}

/**
 * Parses a `default` attribute for `type`: numbers and booleans as written, strings raw, lists and objects
 * as JSON or as JavaScript-style literals (`[{ id: 1, text: 'milk' }]`).
 */
export function parseDefault(type: StateType, raw: string): DefaultResult {
  switch (type) {
    case 'string':
      return { ok: true, value: raw }
    case 'number': {
      const n = raw.trim() === '' ? NaN : Number(raw)
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `"${raw}" is not a number` }
    }
    case 'boolean':
      if (raw === 'true' || raw === 'false') return { ok: true, value: raw === 'true' }
      return { ok: false, message: `"${raw}" is not a boolean; write "true" or "false"` }
    case 'list':
    case 'object':
      return parseStructured(type, raw)
  }
}

/**
 * A structured `default` whose text is JSON of the declared kind, parsed when the value is first read (then
 * kept, and replaceable like a data property). Declarations expose it as an own enumerable accessor
 * (`get default()`), so `JSON.stringify`, spreads and `structuredClone` see the value.
 */
export class JsonDefault {
  private parsed = false
  private current: Json = null

  constructor(readonly text: string) {}

  get value(): Json {
    if (!this.parsed) {
      this.current = JSON.parse(this.text) as Json
      this.parsed = true
    }
    return this.current
  }

  set value(value: Json) {
    this.current = value
    this.parsed = true
  }
}

/**
 * The `default` of a `list` or `object` as a `JsonDefault` when its text is JSON of that kind, at least
 * `LAZY_FROM` characters long, and would be read as JSON (`parseJsonish` tries JSON first: no literal hint); undefined for anything else, which
 * `parseDefault` then reads (and reports) as before.
 */
export function jsonDefault(type: StateType, raw: string): JsonDefault | undefined {
  if ((type !== 'list' && type !== 'object') || raw.length < LAZY_FROM) return undefined
  const cached = JSON_KINDS.lookup(raw)
  let kind: JsonKind | undefined
  if (cached) kind = cached.value
  else {
    kind = JS_LITERAL_HINT.test(raw) ? undefined : jsonKind(raw)
    JSON_KINDS.set(raw, kind)
  }
  return kind === (type === 'list' ? 'array' : 'object') ? new JsonDefault(raw) : undefined
}

/**
 * Shorter texts are parsed when lowered, as before: their parse is cheap, and a declaration with an accessor
 * costs more to build and makes the code reading declarations see two shapes (the repeated bench corpus,
 * short defaults only, was 5 % slower with every default lazy).
 */
const LAZY_FROM = 100

/** `jsonKind` of each default text read as JSON (undefined: not, or not first), bounded like the parsed ones. */
const JSON_KINDS = new TextCache<JsonKind | undefined>(1000)

function parseStructured(type: 'list' | 'object', raw: string): DefaultResult {
  const value = parseJsonishCached(raw)
  const wanted = type === 'list' ? 'a list such as [1, 2]' : 'an object such as { "a": 1 }'
  if (value === undefined) return { ok: false, message: `"${raw}" is not ${wanted}` }
  const isList = Array.isArray(value)
  const isObject = value !== null && typeof value === 'object' && !isList
  if ((type === 'list' && !isList) || (type === 'object' && !isObject))
    return { ok: false, message: `"${raw}" is not ${wanted}` }
  return { ok: true, value }
}

/**
 * Parsed `default` texts (undefined when not a literal), by text, bounded. Each caller gets its own copy:
 * copying parsed data costs less than parsing it again, and no AST shares a value with another. A text met
 * once is only remembered as seen (`SEEN`): its first caller keeps the value it parsed, no copy made, and
 * the text is parsed for the cache when it comes again (most texts of a cold compile never do).
 */
const PARSED_DEFAULTS = new TextCache<Json | undefined | typeof SEEN>(1000)
const SEEN = Symbol('seen once')

function parseJsonishCached(raw: string): Json | undefined {
  const cached = PARSED_DEFAULTS.lookup(raw)
  if (!cached) {
    PARSED_DEFAULTS.set(raw, SEEN)
    return parseJsonish(raw)
  }
  if (cached.value === SEEN) cached.value = parseJsonish(raw)
  const value = cached.value
  return value === undefined ? undefined : copyJson(value)
}

/** Forgets every parsed default (see `clearNxmlCaches`). */
export function clearDefaultCache(): void {
  PARSED_DEFAULTS.clear()
  JSON_KINDS.clear()
}

/** A deep copy of JSON data (keys stay own data properties, `__proto__` included). */
function copyJson(value: Json): Json {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(copyJson)
  const out: { [key: string]: Json } = {}
  for (const key of Object.keys(value)) {
    const item = copyJson(value[key]!)
    if (key === '__proto__') setOwn(out, key, item)
    else out[key] = item
  }
  return out
}

function parseJsonish(raw: string): Json | undefined {
  if (raw === '[]') return [] // the usual defaults, without a parse
  if (raw === '{}') return {}
  // JavaScript-style literals (single quotes, bare keys) try the literal syntax first: a JSON.parse that
  // throws costs microseconds. JSON whose strings merely look like that is still read as JSON below.
  const literalFirst = JS_LITERAL_HINT.test(raw)
  if (!literalFirst) {
    const json = parseJson(raw)
    if (json !== undefined) return json
  }
  const parsed = parseExpression(raw)
  if (parsed.ok && isLiteral(parsed.value)) {
    const result = evaluateExpression(parsed.value, {})
    if (result.ok) return toJson(result.value)
  }
  return literalFirst ? parseJson(raw) : undefined
}

function parseJson(raw: string): Json | undefined {
  try {
    return JSON.parse(raw) as Json
  } catch {
    return undefined
  }
}

/** A single quote, or a bare key after `{` or `,`: probably not JSON. */
const JS_LITERAL_HINT = /'|[{,]\s*[A-Za-z_$][\w$]*\s*:/

/** Only data: literals, arrays, objects and negative numbers. */
function isLiteral(expr: Expr): boolean {
  switch (expr.kind) {
    case 'Literal':
      return expr.value !== undefined
    case 'Array':
      return expr.elements.every(isLiteral)
    case 'Object':
      return expr.properties.every((p) => isLiteral(p.value))
    case 'Unary':
      return expr.operator === '-' && expr.argument.kind === 'Literal' && typeof expr.argument.value === 'number'
    default:
      return false
  }
}

/** Whether `value` has the shape `type` asks for. */
export function matchesType(type: StateType, value: Json): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'list':
      return Array.isArray(value)
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value)
  }
}
