import { type JsonObject, pointerHead, type ViewNode } from '@nexus/protocol'
import { useCallback, useMemo, useSyncExternalStore } from 'react'
import type { ExprResult } from '../expr/ast.ts'
import {
  type Binding,
  type BindingPart,
  collectBindingPaths,
  evaluateBinding,
  parseBinding,
  parseExpressionAttribute,
} from '../expr/binding.ts'
import { collectStatePaths, type StatePath } from '../expr/collect.ts'
import type { Scope } from '../expr/evaluate.ts'
import type { Value } from '../expr/values.ts'
import { setOwn } from '../expr/toJson.ts'
import { componentInfo } from '../nxml/componentSpecs.ts'
import type { KeySet, Store } from '../state/store.ts'
import { usePanel, useScope } from './PanelContext.ts'

/** How one node reads the store: its parsed attributes and the state keys they depend on. */
export interface BindingPlan {
  bindings: ReadonlyMap<string, ExprResult<Binding>>
  /** Attributes that are one expression evaluated on demand (e.g. Button `args`). */
  expressions: ReadonlyMap<string, ExprResult<BindingPart>>
  keys: KeySet
  computedNames: readonly string[]
}

/** Parses a node's attributes once and works out which state keys it must subscribe to. */
export function planBindings(node: ViewNode, store: Store): BindingPlan {
  const attributes = componentInfo(node.type)?.byName
  const bindings = new Map<string, ExprResult<Binding>>()
  const expressions = new Map<string, ExprResult<BindingPart>>()
  const paths: StatePath[] = []
  const clickPaths: StatePath[] = [] // read when clicked, not rendered: no subscription needed
  for (const [name, raw] of Object.entries(node.attrs)) {
    const kind = attributes?.get(name)?.kind ?? 'binding'
    if (kind === 'tool') continue
    if (kind === 'bind') {
      paths.push({ root: '$state', path: bindPath(raw) })
      continue
    }
    if (kind === 'expression') {
      const parsed = parseExpressionAttribute(raw)
      expressions.set(name, parsed)
      if (parsed.ok) clickPaths.push(...collectStatePaths(parsed.value.expr))
      continue
    }
    const parsed = parseBinding(raw)
    bindings.set(name, parsed)
    if (parsed.ok) paths.push(...collectBindingPaths(parsed.value))
  }
  const computedNames = [
    ...new Set(
      [...paths, ...clickPaths].filter((p) => p.root === '$computed' && p.path[0] !== undefined).map((p) => p.path[0]!),
    ),
  ]
  return { bindings, expressions, keys: store.dependenciesOf(paths), computedNames }
}

/** `bind="form.email"` (or `$state.form.email`) as a path: `['form', 'email']`. */
export function bindPath(raw: string): string[] {
  return raw
    .replace(/^\$state\./, '')
    .split('.')
    .filter((p) => p !== '')
}

/**
 * The scope expressions of this node see: the state, the computeds it reads and `$scope`. With `partial`,
 * `$state` holds only the keys the node subscribes to, so rendering costs what the node reads, not the
 * panel's size (click-time evaluation, e.g. Button `args`, passes the whole state).
 */
export function scopeFor(store: Store, plan: BindingPlan, $scope?: JsonObject, partial = false): Scope {
  const $computed: JsonObject = {}
  for (const name of plan.computedNames) {
    const v = store.getComputed(name)
    if (v !== undefined) setOwn($computed, name, v)
  }
  let $state: JsonObject
  if (partial && plan.keys !== '*') {
    $state = {}
    for (const k of plan.keys) {
      const key = k.startsWith('/') ? (pointerHead(k) ?? '') : k
      const v = store.get(key)
      if (v !== undefined) setOwn($state, key, v)
    }
  } else $state = store.getState()
  return $scope ? { $state, $computed, $scope } : { $state, $computed }
}

export interface BoundAttributes {
  /** An attribute's value (undefined when absent or failed). */
  get(name: string): Value
  /** The first evaluation error, for `data-nx-error`. */
  error: string | undefined
  plan: BindingPlan
  /** `$scope` from enclosing `<Iterate>`s. */
  scope?: JsonObject | undefined
}

/**
 * Evaluates a node's attributes and re-renders the component only when a state key they read changes.
 */
export function useBindings(node: ViewNode): BoundAttributes {
  const { store, onRender } = usePanel()
  const $scope = useScope()
  onRender?.(node)
  const plan = useMemo(() => planBindings(node, store), [node, store])
  const subscribe = useCallback((onChange: () => void) => store.subscribe(plan.keys, onChange), [store, plan])
  const getSnapshot = useCallback(() => store.versionStamp(plan.keys), [store, plan])
  useSyncExternalStore(subscribe, getSnapshot, getSnapshot)
  const scope = scopeFor(store, plan, $scope, true)
  const values = new Map<string, Value>()
  let error: string | undefined
  for (const [name, parsed] of plan.bindings) {
    const result = parsed.ok ? evaluateBinding(parsed.value, scope) : parsed
    if (result.ok) values.set(name, result.value)
    else error ??= `${name}: ${result.error.message}`
  }
  return { get: (name) => values.get(name), error, plan, scope: $scope }
}
