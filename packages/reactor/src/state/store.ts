import {
  applyPatch as applyJsonPatch,
  type ComputedDecl,
  type Json,
  type JsonObject,
  escapePointer,
  parsePointer,
  pointerHead,
  type PatchOp,
} from '@nexus/protocol'
import { evaluateExpression } from '../expr/evaluate.ts'
import type { StatePath } from '../expr/collect.ts'
import { setOwn, toJson } from '../expr/toJson.ts'
import { ComputedNode, type ComputedResult } from './ComputedNode.ts'
import { PathIndex } from './pathIndex.ts'
import { applyShared } from './sharedPatch.ts'
import { Signal } from './Signal.ts'

export type { ComputedResult } from './ComputedNode.ts'

export type PatchResult =
  | { ok: true; value: { changed: string[]; version: number } }
  | { ok: false; error: { code: string; message: string; index?: number } }

/** Called with the top-level state keys that changed (once per batch). */
export type StoreListener = (changed: readonly string[]) => void

/**
 * What to listen to: top-level state keys (`items`), JSON Pointers to deeper paths (`/items/3/done`: woken
 * only by writes at, above or below that path), or `'*'` for every change.
 */
export type KeySet = readonly string[] | '*'

export interface Store {
  /** Bumps once per applied patch or reset. */
  readonly version: number
  getState(): JsonObject
  get(key: string): Json | undefined
  /** The computed's value; undefined when it is unknown, failed or cyclic (see `readComputed`). */
  getComputed(name: string): Json | undefined
  readComputed(name: string): ComputedResult
  /** Applies RFC 6902 operations atomically: all of them or (on any failure) none. */
  applyPatch(ops: readonly PatchOp[]): PatchResult
  /** Runs `fn`, delivering notifications once when the outermost batch ends. */
  batch<T>(fn: () => T): T
  subscribe(keys: KeySet, listener: StoreListener): () => void
  /** Replaces the whole state and notifies every key that existed before or after. */
  reset(state: JsonObject): void
  /** A string that changes whenever one of `keys` changes: a `useSyncExternalStore` snapshot. */
  versionStamp(keys: KeySet): string
  /** The keys (pointers for deep `$state` paths) a set of read paths depends on, through computeds. */
  dependenciesOf(paths: readonly StatePath[]): KeySet
  /** Names and versions of every signal, for debugging. */
  debugSignals(): { name: string; version: number }[]
}

/**
 * A reactive store over a panel's state: one signal per top-level key, lazy cached computeds with
 * cycle detection, batched notifications, atomic JSON Patch application.
 * @example const store = createStore({ count: 0 }, ast.computeds); store.applyPatch([{ op: 'replace', path: '/count', value: 1 }])
 */
export function createStore(initial: JsonObject, computeds: readonly ComputedDecl[] = []): Store {
  return new ReactiveStore(initial, computeds)
}

class ReactiveStore implements Store {
  private readonly signals = new Map<string, Signal<Json | undefined>>()
  private readonly computeds = new Map<string, ComputedNode>()
  /** Each computed's transitive state keys: the declarations are fixed, so they are worked out once. */
  private readonly computedDeps = new Map<ComputedNode, KeySet>()
  /** Listeners by the path they watch (the root for '*'), so a patch wakes only readers of what it wrote. */
  private readonly index = new PathIndex<Listener>()
  private due = new Set<Listener>()
  private listenerSeq = 0
  private readonly evaluating: string[] = []
  private batchDepth = 0
  private pending = new Set<string>()
  private snapshot: { version: number; state: JsonObject } | undefined
  version = 0

  constructor(initial: JsonObject, computeds: readonly ComputedDecl[]) {
    for (const [key, value] of Object.entries(initial)) this.signals.set(key, new Signal(`state:${key}`, value))
    for (const decl of computeds) this.computeds.set(decl.name, new ComputedNode(decl))
  }

  getState(): JsonObject {
    if (this.snapshot?.version !== this.version) {
      const state: JsonObject = {}
      for (const [key, signal] of this.signals) if (signal.value !== undefined) setOwn(state, key, signal.value)
      this.snapshot = { version: this.version, state }
    }
    return this.snapshot.state
  }

  get(key: string): Json | undefined {
    return this.signals.get(key)?.value
  }

  getComputed(name: string): Json | undefined {
    const result = this.readComputed(name)
    return result.ok ? result.value : undefined
  }

  readComputed(name: string): ComputedResult {
    const node = this.computeds.get(name)
    if (!node) return { ok: false, error: { code: 'UNKNOWN_COMPUTED', message: `No computed named "${name}"` } }
    if (node.evaluating) {
      const chain = [...this.evaluating.slice(this.evaluating.indexOf(name)), name].join(' → ')
      return { ok: false, error: { code: 'COMPUTED_CYCLE', message: `Computed "${name}" depends on itself: ${chain}` } }
    }
    const stamp = this.versionStamp(this.dependencyKeys(node))
    if (node.stamp === stamp) return node.result
    node.evaluating = true
    this.evaluating.push(name)
    try {
      node.result = this.evaluateComputed(node)
      node.stamp = stamp
    } finally {
      node.evaluating = false
      this.evaluating.pop()
    }
    return node.result
  }

  private evaluateComputed(node: ComputedNode): ComputedResult {
    if (!node.parsed.ok)
      return { ok: false, error: { code: 'COMPUTED_ERROR', message: `${node.name}: ${node.parsed.message}` } }
    const $computed: JsonObject = {}
    for (const dep of node.computedNames) {
      const r = this.readComputed(dep)
      if (!r.ok && r.error.code === 'COMPUTED_CYCLE') return r
      if (r.ok && r.value !== undefined) setOwn($computed, dep, r.value)
    }
    const result = evaluateExpression(node.parsed.expr, { $state: this.getState(), $computed })
    if (!result.ok)
      return { ok: false, error: { code: 'COMPUTED_ERROR', message: `${node.name}: ${result.error.message}` } }
    return { ok: true, value: toJson(result.value) }
  }

  private dependencyKeys(node: ComputedNode): KeySet {
    let keys = this.computedDeps.get(node)
    if (keys === undefined) this.computedDeps.set(node, (keys = this.transitiveKeys(node, new Set())))
    return keys
  }

  /** Every state key a computed depends on, directly or through other computeds. */
  private transitiveKeys(node: ComputedNode, seen: Set<ComputedNode>): KeySet {
    if (node.stateKeys === '*') return '*'
    seen.add(node)
    const keys = new Set(node.stateKeys)
    for (const name of node.computedNames) {
      const dep = this.computeds.get(name)
      if (!dep || seen.has(dep)) continue
      const inner = this.transitiveKeys(dep, seen)
      if (inner === '*') return '*'
      for (const k of inner) keys.add(k)
    }
    return [...keys]
  }

  applyPatch(ops: readonly PatchOp[]): PatchResult {
    // Patch only the top-level keys the operations name (cost follows the patch, not the state's size);
    // a root-level operation falls back to the whole state.
    const heads = patchHeads(ops)
    let base: JsonObject
    if (heads === undefined) base = this.getState()
    else {
      base = {}
      for (const key of heads) {
        const v = this.signals.get(key)?.value
        if (v !== undefined) setOwn(base, key, v)
      }
    }
    const written: string[][] = []
    let next: Json | undefined = heads === undefined ? undefined : applyShared(base, ops, written)
    let changed: string[]
    if (next !== undefined) changed = [...new Set(written.map((p) => p[0]!))]
    else {
      const result = applyJsonPatch(base, ops)
      if (!result.ok) return result
      next = result.value
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        return { ok: false, error: { code: 'STATE_INVALID', message: 'The state must stay an object' } }
      }
      changed = touchedKeys(ops, this.signals.keys(), Object.keys(next))
      written.length = 0
      for (const key of changed) written.push([key])
    }
    const state = next
    this.batch(() => {
      for (const key of changed) this.write(key, Object.hasOwn(state, key) ? state[key] : undefined)
      for (const path of written) this.index.write(path, this.due)
      this.version++
    })
    return { ok: true, value: { changed, version: this.version } }
  }

  reset(state: JsonObject): void {
    const keys = [...new Set([...this.signals.keys(), ...Object.keys(state)])]
    this.batch(() => {
      for (const key of keys) this.write(key, Object.hasOwn(state, key) ? structuredClone(state[key]) : undefined)
      this.index.write([], this.due)
      this.version++
    })
  }

  private write(key: string, value: Json | undefined): void {
    // A new key starts from an unset signal so its first version (1) differs from "absent" (0).
    const signal = this.signals.get(key) ?? new Signal<Json | undefined>(`state:${key}`, undefined)
    signal.set(value)
    this.signals.set(key, signal)
    this.pending.add(key)
  }

  batch<T>(fn: () => T): T {
    this.batchDepth++
    try {
      return fn()
    } finally {
      if (--this.batchDepth === 0) this.flush()
    }
  }

  private flush(): void {
    if (this.pending.size === 0) return
    const changed = [...this.pending]
    this.pending = new Set()
    const due = this.due
    this.due = new Set()
    // Each listener once per batch, in subscription order.
    const ordered = due.size > 1 ? [...due].sort((a, b) => a.seq - b.seq) : [...due]
    for (const l of ordered) if (l.active) l.fn(changed)
  }

  subscribe(keys: KeySet, fn: StoreListener): () => void {
    const entry: Listener = { seq: this.listenerSeq++, fn, active: true }
    const nodes = keys === '*' ? [this.index.node([])] : [...new Set(keys)].map((k) => this.index.node(segments(k)))
    for (const node of nodes) node.listeners.add(entry)
    return () => {
      entry.active = false
      for (const node of nodes) node.listeners.delete(entry)
    }
  }

  versionStamp(keys: KeySet): string {
    if (keys === '*') return String(this.version)
    let stamp = ''
    for (const k of keys) stamp += `${this.index.stamp(segments(k))}:`
    return stamp
  }

  dependenciesOf(paths: readonly StatePath[]): KeySet {
    const keys = new Set<string>()
    for (const p of paths) {
      const head = p.path[0]
      if (head === undefined) return '*'
      const deps = p.root === '$state' ? [stateKey(p.path)] : this.computedKeys(head)
      if (deps === '*') return '*'
      for (const k of deps) keys.add(k)
    }
    return [...keys]
  }

  private computedKeys(name: string): KeySet {
    const node = this.computeds.get(name)
    return node ? this.dependencyKeys(node) : []
  }

  debugSignals(): { name: string; version: number }[] {
    return [...this.signals.values()].map((s) => ({ name: s.name, version: s.version }))
  }
}

/** A key's path: a JSON Pointer (`/items/3`) or a plain top-level key (`items`). */
function segments(key: string): string[] {
  return key.startsWith('/') ? parsePointer(key) : [key]
}

/** The subscription key of a `$state` read path: the plain key at the top level, else a pointer. */
function stateKey(path: readonly string[]): string {
  return path.length === 1 ? path[0]! : '/' + path.map(escapePointer).join('/')
}

interface Listener {
  seq: number
  fn: StoreListener
  active: boolean
}

/** The top-level keys the operations name (paths and `from`s), or undefined when one targets the root. */
function patchHeads(ops: readonly PatchOp[]): string[] | undefined {
  const keys = new Set<string>()
  for (const op of ops) {
    for (const pointer of [op.path, 'from' in op ? (op as { from?: string }).from : undefined]) {
      if (pointer === undefined) continue
      const head = pointerHead(pointer)
      if (head === undefined) return undefined
      keys.add(head)
    }
  }
  return [...keys]
}

/** Top-level keys an operation list can change; a root-level operation touches every key. */
function touchedKeys(ops: readonly PatchOp[], before: Iterable<string>, after: readonly string[]): string[] {
  const keys = new Set<string>()
  for (const op of ops) {
    if (op.op === 'test') continue
    for (const pointer of [op.path, 'from' in op && op.op === 'move' ? op.from : undefined]) {
      if (pointer === undefined) continue
      const head = pointerHead(pointer)
      if (head === undefined) return [...new Set([...before, ...after])]
      keys.add(head)
    }
  }
  return [...keys]
}
