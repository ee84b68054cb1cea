import type { Diagnostic, Json, JsonObject, PatchOp, ToolDecl } from '@nexus/protocol'
import { createElement, type ReactElement } from 'react'
import { renderToString } from 'react-dom/server'
import { resolveToolArgs } from '../args.ts'
import { bindPatch } from '../components/useBoundValue.ts'
import { PanelView, type PanelViewProps } from '../components/PanelView.tsx'
import { NxmlCompileError } from '../errors.ts'
import { setOwn } from '../expr/toJson.ts'
import type { NxmlPanelAst } from '../nxml/ast.ts'
import { compileNxml, initialState } from '../nxml/compile.ts'
import { createStore, type PatchResult, type Store, type StoreListener } from '../state/store.ts'
import type { Executor, ExecutorResult } from './executor.ts'

export interface PanelOptions {
  /** Runs handlers; without one, `trigger` fails with `NO_EXECUTOR` (display-only panels need none). */
  executor?: Executor
  /** State laid over the declared defaults. */
  state?: JsonObject
}

export type TriggerResult =
  | { ok: true; value: { ops: PatchOp[]; version: number; logs: string[] } }
  | { ok: false; error: { code: string; message: string } }

/** A running panel: its AST, reactive state, and how to trigger tools and render it. */
export interface Panel {
  readonly ast: NxmlPanelAst
  readonly diagnostics: Diagnostic[]
  /** No error diagnostics. */
  readonly ok: boolean
  readonly store: Store
  /** The current state (a shared snapshot: do not mutate). */
  readonly state: JsonObject
  /** Every computed value by name (failed computeds are left out). */
  readonly computed: JsonObject
  /** Resolves `args` against the tool's `Arg`s, runs the handler through the executor, applies its ops. */
  trigger(tool: string, args?: Json[] | JsonObject): Promise<TriggerResult>
  /** Runs the `<Lifecycle on>` handler, if any. */
  lifecycle(on: 'mount' | 'unmount'): Promise<TriggerResult | undefined>
  /** Two-way binding without a host: writes `value` at the bind path. */
  bind(key: string, value: Json): PatchResult
  subscribe(listener: StoreListener): () => void
  /** A `<PanelView>` element wired to this panel's store and `trigger`. */
  element(props?: { theme?: 'light' | 'dark'; onComponentRender?: PanelViewProps['onComponentRender'] }): ReactElement
  /** Server-side HTML of the current state; hydrate it in the browser with `element()`. */
  renderToString(props?: { theme?: 'light' | 'dark' }): string
}

/**
 * Compiles NXML and starts a panel, with no kernel: handlers run through `executor`.
 * Throws `NxmlCompileError` only when there is no `<NexusPanel>` at all; other problems are `diagnostics`.
 * @example const panel = createPanel(nxml, { executor: createExpressionExecutor() }); await panel.trigger('increment', { step: 2 })
 */
export function createPanel(nxml: string, options: PanelOptions = {}): Panel {
  const compiled = compileNxml(nxml)
  if (!compiled.ast) throw new NxmlCompileError(compiled.diagnostics)
  const ast = compiled.ast
  const store = createStore({ ...initialState(ast), ...options.state }, ast.computeds)
  const tools = new Map(ast.tools.map((t) => [t.name, t]))
  let queue: Promise<unknown> = Promise.resolve()

  const run = async (tool: ToolDecl, args: JsonObject): Promise<TriggerResult> => {
    if (!options.executor) return fail('NO_EXECUTOR', 'This panel was created without an executor; pass { executor }')
    let result: ExecutorResult
    try {
      result = await options.executor(tool, args, store.getState())
    } catch (e) {
      return fail('EXECUTOR_FAILED', (e as Error).message)
    }
    if ('error' in result) return fail(result.error.code ?? 'HANDLER_ERROR', result.error.message)
    const applied = store.applyPatch(result.ops)
    if (!applied.ok) return fail(applied.error.code, applied.error.message)
    return { ok: true, value: { ops: result.ops, version: applied.value.version, logs: result.logs ?? [] } }
  }
  // Triggers run one at a time, each against the state the previous one left.
  const enqueue = (job: () => Promise<TriggerResult>): Promise<TriggerResult> => {
    const next = queue.then(job, job)
    queue = next
    return next
  }

  const panel: Panel = {
    ast,
    diagnostics: compiled.diagnostics,
    ok: compiled.ok,
    store,
    get state() {
      return store.getState()
    },
    get computed() {
      const out: JsonObject = {}
      for (const c of ast.computeds) {
        const v = store.getComputed(c.name)
        if (v !== undefined) setOwn(out, c.name, v)
      }
      return out
    },
    trigger(name, args) {
      const tool = tools.get(name)
      if (!tool) return Promise.resolve(fail('UNKNOWN_TOOL', `This panel has no tool "${name}"`))
      const resolved = resolveToolArgs(tool, args)
      if (!resolved.ok) return Promise.resolve(fail(resolved.error.code, resolved.error.message))
      return enqueue(() => run(tool, resolved.value))
    },
    async lifecycle(on) {
      const life = ast.lifecycles?.find((l) => l.on === on)
      if (!life) return undefined
      const tool: ToolDecl = { kind: 'Tool', name: `lifecycle:${on}`, args: [], handler: life.handler, span: life.span }
      return enqueue(() => run(tool, {}))
    },
    bind: (key, value) => store.applyPatch(bindPatch(key, value)),
    subscribe: (listener) => store.subscribe('*', listener),
    element(props = {}) {
      return createElement(PanelView, {
        ast,
        store,
        onTrigger: (tool, args) => {
          void panel.trigger(tool, args).then((r) => {
            if (!r.ok) console.warn(`[nexus] ${tool}: ${r.error.message}`)
          })
        },
        ...props,
      })
    },
    renderToString: (props = {}) => renderToString(panel.element(props)),
  }
  return panel
}

function fail(code: string, message: string): TriggerResult {
  return { ok: false, error: { code, message } }
}
