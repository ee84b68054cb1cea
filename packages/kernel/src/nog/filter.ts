import type { Json } from '@nexus/protocol'
import { propertyHints } from './propertyHints.ts'
import type { PropertyHint } from './PropertyIndex.ts'
import type { NogEntity } from './types.ts'

// The filter's shape (`NogFilter`) is protocol's: `{"$and":[{"category":{"eq":"concept"}},{"tags":{"in":["x"]}}]}`.
// A node is `{"$and": [...]}`, `{"$or": [...]}`, or `{field: {op: value, ...}, ...}` (all must hold).
// Operators: eq ne gt gte lt lte in. On `tags`, eq/ne/in test membership; `properties.<key>` takes any
// operator and compares like-typed values only.

/**
 * A compiled filter. `category` is set when every match must have that category (a top-level
 * `category: {eq}`), and `properties` lists the ranges every match's properties must lie in, so queries
 * can start from the category or property index instead of scanning the graph.
 */
export type EntityPredicate = ((entity: NogEntity) => boolean) & { category?: string; properties?: PropertyHint[] }

export type FilterResult = { ok: true; value: EntityPredicate } | { ok: false; error: string }

type FieldKind = 'string' | 'nullableString' | 'number' | 'tags' | 'json'

const FIELDS: Record<string, FieldKind> = {
  id: 'string',
  name: 'string',
  category: 'string',
  status: 'string',
  description: 'string',
  source: 'string',
  sourcePanel: 'nullableString',
  version: 'number',
  createdAt: 'number',
  updatedAt: 'number',
  tags: 'tags',
}

const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'] as const
type Op = (typeof OPS)[number]
const ORDER_OPS: readonly string[] = ['gt', 'gte', 'lt', 'lte']
const MAX_NODES = 256
const MAX_DEPTH = 16

class FilterError extends Error {}

/** Validates `input` and compiles it to a predicate; errors name the path, e.g. `At $and[1].tags.gt: …`. */
export function compileFilter(input: unknown): FilterResult {
  const budget = { nodes: 0 }
  try {
    const predicate: EntityPredicate = compileNode(input, '', 0, budget)
    const category = requiredCategory(input)
    const properties = propertyHints(input)
    if (category === undefined && properties.length === 0) return { ok: true, value: predicate }
    const hinted: EntityPredicate = (e: NogEntity) => predicate(e)
    if (category !== undefined) hinted.category = category
    if (properties.length > 0) hinted.properties = properties
    return { ok: true, value: hinted }
  } catch (error) {
    if (error instanceof FilterError) return { ok: false, error: error.message }
    throw error
  }
}

function fail(path: string, message: string): never {
  throw new FilterError(path ? `At ${path}: ${message}` : message)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function compileNode(node: unknown, path: string, depth: number, budget: { nodes: number }): EntityPredicate {
  if (++budget.nodes > MAX_NODES) fail(path, `a filter may have at most ${MAX_NODES} conditions`)
  if (depth > MAX_DEPTH) fail(path, `a filter may nest at most ${MAX_DEPTH} levels`)
  if (!isObject(node)) fail(path, 'expected an object like {"category":{"eq":"concept"}} or {"$and":[…]}')
  const keys = Object.keys(node)
  if (keys.length === 0) fail(path, 'expected at least one condition')
  const parts = keys.map((key) => {
    const at = path ? `${path}.${key}` : key
    if (key === '$and' || key === '$or') {
      const list = node[key]
      if (!Array.isArray(list) || list.length === 0) fail(at, `${key} takes a non-empty array of filters`)
      const children = list.map((child, i) => compileNode(child, `${at}[${i}]`, depth + 1, budget))
      return key === '$and'
        ? (e: NogEntity) => children.every((c) => c(e))
        : (e: NogEntity) => children.some((c) => c(e))
    }
    return compileField(key, node[key], at)
  })
  return parts.length === 1 ? parts[0]! : (e) => parts.every((p) => p(e))
}

function fieldKind(field: string, path: string): FieldKind {
  if (field.startsWith('properties.') && field.length > 'properties.'.length) return 'json'
  const kind = FIELDS[field]
  if (!kind) {
    const known = [...Object.keys(FIELDS), 'properties.<key>', '$and', '$or'].join(', ')
    fail(path, `unknown field "${field}"; use one of ${known}`)
  }
  return kind
}

function compileField(field: string, ops: unknown, path: string): EntityPredicate {
  const kind = fieldKind(field, path)
  if (!isObject(ops) || Object.keys(ops).length === 0) fail(path, 'expected operators like {"eq": …}')
  const read = reader(field)
  const tests = Object.entries(ops).map(([op, value]) => {
    const at = `${path}.${op}`
    if (!(OPS as readonly string[]).includes(op)) fail(at, `unknown operator "${op}"; use one of ${OPS.join(', ')}`)
    checkOperand(kind, op as Op, value, at)
    return test(kind, op as Op, value as Json)
  })
  return (e) => {
    const v = read(e)
    return tests.every((t) => t(v))
  }
}

function reader(field: string): (e: NogEntity) => unknown {
  if (field.startsWith('properties.')) {
    const key = field.slice('properties.'.length)
    return (e) => (Object.hasOwn(e.properties, key) ? e.properties[key] : undefined)
  }
  return (e) => e[field as keyof NogEntity]
}

function checkOperand(kind: FieldKind, op: Op, value: unknown, path: string): void {
  if (kind === 'tags' && ORDER_OPS.includes(op)) fail(path, `tags takes eq, ne or in, not ${op}`)
  if ((kind === 'string' || kind === 'nullableString') && ORDER_OPS.includes(op)) {
    fail(path, `${op} compares numbers; this field is a string (use eq, ne or in)`)
  }
  const scalar = kind === 'number' ? 'number' : kind === 'json' ? 'json' : 'string'
  const ok = (v: unknown) =>
    scalar === 'json'
      ? v === null || ['string', 'number', 'boolean'].includes(typeof v)
      : typeof v === scalar || (kind === 'nullableString' && v === null)
  const expected = scalar === 'json' ? 'a string, number, boolean or null' : `a ${scalar}`
  if (op === 'in') {
    if (!Array.isArray(value) || value.length === 0 || value.length > 1000 || !value.every(ok)) {
      fail(path, `in takes a non-empty array (at most 1000) of ${expected.replace(/^an? /, '')} values`)
    }
  } else if (!ok(value)) {
    fail(path, `expected ${expected}`)
  } else if (ORDER_OPS.includes(op) && typeof value !== 'number' && typeof value !== 'string') {
    fail(path, `${op} takes a number or a string`)
  }
}

function test(kind: FieldKind, op: Op, operand: Json): (v: unknown) => boolean {
  if (kind === 'tags') {
    const tags = (v: unknown) => v as string[]
    if (op === 'in') {
      const wanted = new Set(operand as string[])
      return (v) => tags(v).some((t) => wanted.has(t))
    }
    return op === 'eq' ? (v) => tags(v).includes(operand as string) : (v) => !tags(v).includes(operand as string)
  }
  switch (op) {
    case 'eq':
      return (v) => v === operand
    case 'ne':
      return (v) => v !== operand
    case 'in': {
      const set = new Set(operand as Json[])
      return (v) => set.has(v as Json)
    }
    case 'gt':
      return (v) => typeof v === typeof operand && (v as number) > (operand as number)
    case 'gte':
      return (v) => typeof v === typeof operand && (v as number) >= (operand as number)
    case 'lt':
      return (v) => typeof v === typeof operand && (v as number) < (operand as number)
    case 'lte':
      return (v) => typeof v === typeof operand && (v as number) <= (operand as number)
  }
}

/** The category every match must have: `{category: {eq}}` at the top or inside a top-level `$and`. */
function requiredCategory(node: unknown): string | undefined {
  if (!isObject(node)) return undefined
  if (Array.isArray(node.$and)) {
    for (const part of node.$and) {
      const found = requiredCategory(part)
      if (found !== undefined) return found
    }
    return undefined
  }
  const condition = node.category
  return isObject(condition) && typeof condition.eq === 'string' ? condition.eq : undefined
}
