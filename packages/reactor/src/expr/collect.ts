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
    paths = statePathsOf(expr)
    PATHS.set(expr, paths)
  }
  return paths
}

/**
 * `collectStatePaths` without its cache. The validator reads paths without a tree (`expressionPaths` in
 * `recognize.ts`), which must find exactly these: `test/recognize.test.ts` compares the two.
 */
export function statePathsOf(expr: Expr): StatePath[] {
  const paths: StatePath[] = []
  walk(expr, 0, paths)
  return paths
}

/** Parsed expressions are cached by text, so their paths are computed once; callers must not mutate them. */
const PATHS = new WeakMap<Expr, StatePath[]>()

/** Which roots an enclosing arrow's parameters shadow: only `$state` and `$computed` matter to a path. */
const STATE_SHADOWED = 1
const COMPUTED_SHADOWED = 2

/** Visits every node once, allocating only for the paths it records (no child arrays, no sets per arrow). */
function walk(expr: Expr, shadowed: number, found: StatePath[]): void {
  switch (expr.kind) {
    case 'Literal':
      return
    case 'Identifier': {
      const root = rootOf(expr.name, shadowed)
      if (root) addPath(found, { root, path: [] })
      return
    }
    case 'Array':
      for (const e of expr.elements) walk(e, shadowed, found)
      return
    case 'Object':
      for (const p of expr.properties) walk(p.value, shadowed, found)
      return
    case 'Member': {
      const chain = readChain(expr, shadowed)
      if (!chain) {
        walk(expr.object, shadowed, found)
        if (expr.computed) walk(expr.property, shadowed, found)
        return
      }
      addPath(found, chain)
      // A state chain was recorded whole; only dynamic keys inside it still need a visit.
      for (let node: Expr = expr; node.kind === 'Member'; node = node.object)
        if (node.computed && node.property.kind !== 'Literal') walk(node.property, shadowed, found)
      return
    }
    case 'Call':
      // `$state.items.filter(...)` reads `items`; the method name is not part of the path.
      if (expr.callee.kind === 'Member' && !expr.callee.computed) walk(expr.callee.object, shadowed, found)
      else walk(expr.callee, shadowed, found)
      for (const a of expr.args) walk(a, shadowed, found)
      return
    case 'Unary':
      return walk(expr.argument, shadowed, found)
    case 'Binary':
      walk(expr.left, shadowed, found)
      return walk(expr.right, shadowed, found)
    case 'Conditional':
      walk(expr.test, shadowed, found)
      walk(expr.consequent, shadowed, found)
      return walk(expr.alternate, shadowed, found)
    case 'Arrow': {
      let inner = shadowed
      for (const p of expr.params) {
        if (p === '$state') inner |= STATE_SHADOWED
        else if (p === '$computed') inner |= COMPUTED_SHADOWED
      }
      return walk(expr.body, inner, found)
    }
  }
}

function rootOf(name: string, shadowed: number): StateRoot | undefined {
  if (name === '$state') return shadowed & STATE_SHADOWED ? undefined : '$state'
  if (name === '$computed') return shadowed & COMPUTED_SHADOWED ? undefined : '$computed'
  return undefined
}

/** The longest static path when `expr` is a member chain rooted at `$state`/`$computed`. */
function readChain(expr: Extract<Expr, { kind: 'Member' }>, shadowed: number): StatePath | undefined {
  let depth = 0
  let node: Expr = expr
  for (; node.kind === 'Member'; node = node.object) depth++
  const root = node.kind === 'Identifier' ? rootOf(node.name, shadowed) : undefined
  if (!root) return undefined
  const members = new Array<Extract<Expr, { kind: 'Member' }>>(depth)
  node = expr
  for (let i = depth - 1; node.kind === 'Member'; node = node.object) members[i--] = node
  const path: string[] = []
  for (const m of members) {
    const p = m.property
    if (!(p.kind === 'Literal' && (typeof p.value === 'string' || typeof p.value === 'number'))) break
    path.push(String(p.value))
  }
  return { root, path }
}

/** Records `chain` unless an equal path was recorded first (paths are compared as their `\u0000`-joined keys). */
export function addPath(found: StatePath[], chain: StatePath): void {
  for (const p of found) if (p.root === chain.root && samePath(p.path, chain.path)) return
  found.push(chain)
}

function nul(s: string): boolean {
  return s.includes('\u0000')
}

/** Whether the two paths join to the same key (as `path.join('\u0000')`), without joining them when it can. */
function samePath(a: string[], b: string[]): boolean {
  if (a.some(nul) || b.some(nul)) return a.join('\u0000') === b.join('\u0000')
  // Without NULs only equal lengths join alike, except `[]` and `['']` (both join to '').
  if (a.length !== b.length) return a.length + b.length === 1 && (a[0] ?? b[0]) === ''
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
