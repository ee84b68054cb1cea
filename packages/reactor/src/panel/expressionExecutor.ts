import type { Json, JsonObject, PatchOp, ToolDecl } from '@nexus/protocol'
import { escapePointer } from '@nexus/protocol'
import type { Expr } from '../expr/ast.ts'
import { evaluateExpression, type Scope } from '../expr/evaluate.ts'
import { parseExpression } from '../expr/parser.ts'
import { setOwn, toJson } from '../expr/toJson.ts'
import type { Value } from '../expr/values.ts'
import type { Executor, ExecutorResult } from './executor.ts'

const ASSIGN = /^(\$state\b[^=]*?)\s*(\+\+|--|\+=|-=|\*=|\/=|\|\|=|&&=|\?\?=|=(?!=))\s*([\s\S]*)$/
const MUTATE = /^(\$state\b[\s\S]*?)\.(push|unshift)\(([\s\S]*)\)$/

class StatementError extends Error {}

/**
 * An executor for simple handlers without a sandbox (tests, demos, the docs' examples): each statement is
 * `$state.path = expr` (also `+=`, `-=`, `*=`, `/=`, `||=`, `&&=`, `??=`, `++`, `--`),
 * `$state.path.push(expr)` / `.unshift(expr)`, `$log(...)`, `$emit(...)` or `return`. Expressions go
 * through the reactor's safe interpreter. Anything else is an error: use the sandbox for real code.
 * @example createPanel(nxml, { executor: createExpressionExecutor() })
 */
export function createExpressionExecutor(): Executor {
  return (tool, args, state) => Promise.resolve(runSimpleHandler(tool, args, state))
}

export function runSimpleHandler(tool: ToolDecl, args: JsonObject, state: JsonObject): ExecutorResult {
  const draft = structuredClone(state)
  const touched = new Set<string>()
  const logs: string[] = []
  const events: { name: string; payload: unknown }[] = []
  // Statements write into `draft` in place, so one scope serves them all.
  const scope: Scope = { $state: draft, $args: args, $computed: {} }
  try {
    for (const statement of splitStatements(tool.handler.code)) {
      if (/^return\b/.test(statement)) break
      if (/^\$log\s*\(/.test(statement)) {
        logs.push(String(toJson(callArgs(statement, scope))))
        continue
      }
      if (/^\$emit\s*\(/.test(statement)) {
        const list = callArgs(statement, scope)
        events.push({ name: String(list[0]), payload: toJson(list[1]) })
        continue
      }
      const mutate = MUTATE.exec(statement)
      if (mutate) {
        const path = targetPath(mutate[1]!, scope)
        const list = read(draft, path)
        if (!Array.isArray(list)) throw new StatementError(`${mutate[1]} is not a list`)
        const item = toJson(evaluate(mutate[3]!, scope)) ?? null
        write(draft, path, mutate[2] === 'push' ? [...list, item] : [item, ...list], touched)
        continue
      }
      const assign = ASSIGN.exec(statement)
      if (!assign)
        throw new StatementError(`Unsupported statement "${statement}" (the expression executor runs assignments only)`)
      const path = targetPath(assign[1]!, scope)
      write(draft, path, combine(read(draft, path), assign[2]!, assign[3]!, scope), touched)
    }
  } catch (e) {
    return { error: { code: 'HANDLER_ERROR', message: `In tool "${tool.name}": ${(e as Error).message}` } }
  }
  const ops: PatchOp[] = [...touched].map((key) =>
    Object.hasOwn(draft, key)
      ? { op: 'add', path: `/${escapePointer(key)}`, value: draft[key]! }
      : { op: 'remove', path: `/${escapePointer(key)}` },
  )
  return { ops, logs, events }
}

function combine(current: Json | undefined, op: string, source: string, scope: Scope): Json {
  if (op === '++' || op === '--') return Number(current ?? 0) + (op === '++' ? 1 : -1)
  const value = toJson(evaluate(source, scope)) ?? null
  const n = (v: Json | undefined) => Number(v ?? 0)
  switch (op) {
    case '=':
      return value
    case '+=':
      return typeof current === 'string' || typeof value === 'string'
        ? `${current ?? ''}${String(value)}`
        : n(current) + n(value)
    case '-=':
      return n(current) - n(value)
    case '*=':
      return n(current) * n(value)
    case '/=':
      return n(current) / n(value)
    case '||=':
      return current ? current : value
    case '&&=':
      return current ? value : (current ?? null)
    default:
      return current ?? value
  }
}

function evaluate(source: string, scope: Scope): Value {
  const parsed = parseExpression(source)
  if (!parsed.ok) throw new StatementError(parsed.error.message)
  const r = evaluateExpression(parsed.value, scope)
  if (!r.ok) throw new StatementError(r.error.message)
  return r.value
}

/** The arguments of a call statement (`$log(a, b)`) as a list. */
function callArgs(statement: string, scope: Scope): Value[] {
  return evaluate(`[${statement.slice(statement.indexOf('(') + 1, -1)}]`, scope) as Value[]
}

/** `$state.a.b[0]` → `['a', 'b', '0']`, evaluating computed keys. */
function targetPath(source: string, scope: Scope): string[] {
  const parsed = parseExpression(source.trim())
  if (!parsed.ok) throw new StatementError(parsed.error.message)
  const path: string[] = []
  let node: Expr = parsed.value
  while (node.kind === 'Member') {
    const key = node.computed
      ? toJson(evaluate(sourceOf(source.trim(), node.property), scope))
      : (node.property as { value: unknown }).value
    path.unshift(String(key))
    node = node.object
  }
  if (node.kind !== 'Identifier' || node.name !== '$state' || path.length === 0)
    throw new StatementError(`Only $state paths can be assigned, not "${source.trim()}"`)
  return path
}

function sourceOf(source: string, expr: Expr): string {
  return source.slice(expr.span.start, expr.span.end)
}

function read(root: JsonObject, path: readonly string[]): Json | undefined {
  let v: Json | undefined = root
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = Array.isArray(v) ? v[Number(key)] : Object.hasOwn(v, key) ? v[key] : undefined
  }
  return v
}

function write(root: JsonObject, path: readonly string[], value: Json, touched: Set<string>): void {
  touched.add(path[0]!)
  let target: Json = root
  for (const key of path.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(target) ? target[Number(key)] : (target as JsonObject)[key]
    if (next === null || typeof next !== 'object')
      throw new StatementError(`Cannot write inside ${key}: it is not an object`)
    target = next
  }
  const last = path.at(-1)!
  if (Array.isArray(target)) target[Number(last)] = value
  else setOwn(target as JsonObject, last, value)
}

/** Statements split at top-level `;` and newlines (not inside brackets or strings). */
export function splitStatements(code: string): string[] {
  const out: string[] = []
  let depth = 0
  let quote: string | undefined
  let start = 0
  for (let i = 0; i <= code.length; i++) {
    const ch = code[i]
    if (quote) {
      if (ch === '\\') i++
      else if (ch === quote) quote = undefined
      continue
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch
    else if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') depth--
    else if (ch === undefined || (depth === 0 && (ch === ';' || ch === '\n'))) {
      const s = code.slice(start, i).trim()
      if (s && !s.startsWith('//')) out.push(s)
      start = i + 1
    }
  }
  return out
}
