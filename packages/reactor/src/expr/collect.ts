import type { Expr } from './ast.ts'

export type StateRoot = '$state' | '$computed'

/** A path an expression reads: `$state.todos.0.done` is `{root: '$state', path: ['todos', '0', 'done']}`. */
export interface StatePath {
  root: StateRoot
  /** Empty when the expression reads the whole root or a key computed at run time (`$state[k]`). */
  path: string[]
}

/**
 * The `$state` / `$computed` paths an expression reads, deduplicated, in first-read order.
 * Used to subscribe a component to exactly the keys its bindings depend on. The array is shared: do not mutate.
 * @example collectStatePaths(parse('$state.a.b + $computed.c')) // [{root:'$state',path:['a','b']}, {root:'$computed',path:['c']}]
 */
export function collectStatePaths(expr: Expr): StatePath[] {
  let paths = PATHS.get(expr)
  if (!paths) {
    const found = new Map<string, StatePath>()
    walk(expr, NOTHING_SHADOWED, found)
    paths = [...found.values()]
    PATHS.set(expr, paths)
  }
  return paths
}

/** Parsed expressions are cached by text, so their paths are computed once; callers must not mutate them. */
const PATHS = new WeakMap<Expr, StatePath[]>()
const NOTHING_SHADOWED: ReadonlySet<string> = new Set()

function walk(expr: Expr, shadowed: ReadonlySet<string>, found: Map<string, StatePath>): void {
  const chain = readChain(expr, shadowed)
  if (chain) {
    const key = `${chain.root}\u0000${chain.path.join('\u0000')}`
    if (!found.has(key)) found.set(key, chain)
  }
  for (const child of children(expr, chain !== undefined)) {
    walk(child, expr.kind === 'Arrow' ? new Set([...shadowed, ...expr.params]) : shadowed, found)
  }
}

/** The longest static path when `expr` is a member chain rooted at `$state`/`$computed`. */
function readChain(expr: Expr, shadowed: ReadonlySet<string>): StatePath | undefined {
  const members: Extract<Expr, { kind: 'Member' }>[] = []
  let node = expr
  while (node.kind === 'Member') {
    members.unshift(node)
    node = node.object
  }
  if (node.kind !== 'Identifier' || shadowed.has(node.name)) return undefined
  if (node.name !== '$state' && node.name !== '$computed') return undefined
  const path: string[] = []
  for (const m of members) {
    const p = m.property
    if (!(p.kind === 'Literal' && (typeof p.value === 'string' || typeof p.value === 'number'))) break
    path.push(String(p.value))
  }
  return { root: node.name, path }
}

function children(expr: Expr, isChain: boolean): Expr[] {
  switch (expr.kind) {
    case 'Literal':
    case 'Identifier':
      return []
    case 'Array':
      return expr.elements
    case 'Object':
      return expr.properties.map((p) => p.value)
    case 'Member':
      // A state chain was recorded whole; only dynamic keys inside it still need a visit.
      return isChain ? dynamicKeys(expr) : [expr.object, ...(expr.computed ? [expr.property] : [])]
    case 'Call':
      // `$state.items.filter(...)` reads `items`; the method name is not part of the path.
      if (expr.callee.kind === 'Member' && !expr.callee.computed) return [expr.callee.object, ...expr.args]
      return [expr.callee, ...expr.args]
    case 'Unary':
      return [expr.argument]
    case 'Binary':
      return [expr.left, expr.right]
    case 'Conditional':
      return [expr.test, expr.consequent, expr.alternate]
    case 'Arrow':
      return [expr.body]
  }
}

function dynamicKeys(expr: Expr): Expr[] {
  const out: Expr[] = []
  for (let node = expr; node.kind === 'Member'; node = node.object) {
    if (node.computed && node.property.kind !== 'Literal') out.push(node.property)
  }
  return out
}
