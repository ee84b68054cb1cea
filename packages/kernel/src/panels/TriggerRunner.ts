import type { Json, JsonObject, PanelAst, PatchOp } from '@nexus/protocol'
import type { LogEntry } from '@nexus/sandbox'
import type { NxmlPanelAst } from '@nexus/reactor'
import type { StateChangeDetails } from '@nexus/trilog'
import { KernelError, notFound, unlessNotFound } from '../errors.ts'
import { KeyedQueue } from '../KeyedQueue.ts'
import { BIND_TOOL, bindWrite } from './bindWrite.ts'
import { EventDelivery } from './EventDelivery.ts'
import { FlushCommits } from './FlushCommits.ts'
import { LIFECYCLE_PREFIX, prepareRun } from './handlerRun.ts'
import { hostBridge } from './hostBridge.ts'
import type { PanelChange, PanelServiceOptions, TriggerResult } from './panelTypes.ts'
import type { LivePanel, PanelStore } from './PanelStore.ts'
import { findTypeViolation } from './stateTypes.ts'
import { CallChain, TriggerBudget, refusalReporter } from './TriggerBudget.ts'

const SANDBOX_STATUS: Record<string, number> = { CAPABILITY_DENIED: 403 }

/**
 * Runs tools on panels: a per-panel queue (`KeyedQueue`) so runs on one panel apply one at a time in arrival
 * order, the sandbox run, the type check, and one `commit` for every change (a handler's final state, each
 * state it flushed at an `await`, a `bind`): stored with its history event, then announced to `onChange`
 * listeners. Also the lifecycle (`mount` once per process, `unmount`), `$panel.call` and, through
 * `EventDelivery`, `$emit`.
 */
export class TriggerRunner {
  /** One change at a time per panel. */
  private readonly queue = new KeyedQueue()
  /** Panels whose `<Lifecycle on="mount">` this process has run (or queued), until their unmount. */
  private readonly mounted = new Set<string>()
  private readonly listeners = new Set<(change: PanelChange) => void>()
  readonly events: EventDelivery
  private readonly clock: () => number

  constructor(
    private readonly options: PanelServiceOptions,
    private readonly store: PanelStore,
    /** A panel's row changed (version, title, layout, trash): the list listeners hear of it. */
    private readonly listChanged: (panel: LivePanel) => void,
  ) {
    this.clock = options.clock ?? Date.now
    this.events = new EventDelivery(store, options.metrics, (id, tool, args, actor, chain) =>
      this.run(id, tool, args, actor, chain),
    )
  }

  onChange(listener: (change: PanelChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Tells every `onChange` listener, synchronously (see the CONTEXT pitfall on broadcast). */
  announce(change: PanelChange): void {
    for (const listener of this.listeners) listener(change)
  }

  /** `work` in the panel's queue, after everything queued before it. */
  inQueue<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(id, work)
  }

  newChain(): CallChain {
    return CallChain.start(new TriggerBudget(refusalReporter(this.options.metrics.registry, this.options.telemetry)))
  }

  /** Runs `tool` once the panel's queue reaches it; `onQueued` once it has its place there. */
  async run(
    id: string,
    tool: string,
    args: Json[] | JsonObject | undefined,
    actor: string | undefined,
    chain: CallChain,
    onQueued?: () => void,
  ): Promise<TriggerResult> {
    await this.store.get(id) // fail fast on an unknown panel
    const stopTimer = this.options.metrics.triggerSeconds.startTimer()
    const run = this.queueDurable(id, () => this.runTool(id, tool, args, actor, chain))
    onQueued?.()
    run.then(
      () => this.options.metrics.triggers.inc({ outcome: 'ok' }),
      (error: unknown) =>
        this.options.metrics.triggers.inc({ outcome: (error as { code?: string }).code ?? 'INTERNAL' }),
    )
    void run.finally(stopTimer).catch(() => undefined)
    return run
  }

  /**
   * `<Lifecycle on="mount">`: once per panel per kernel process, before any other run on it — at creation, on
   * restore from the trash, and when this process first loads a stored panel (first subscribe, trigger, read
   * or event delivery after a start). Runs like a tool (sandbox, capabilities, history); a failure is
   * recorded (`trigger_failed`) and logged, and the panel works on.
   */
  mount(panel: LivePanel): Promise<void> {
    if (this.mounted.has(panel.id)) return Promise.resolve()
    this.mounted.add(panel.id)
    return this.lifecycle(panel.id, panel.ast, 'mount')
  }

  /** `<Lifecycle on="unmount">`: when the panel goes to the trash, and at shutdown (`unmountAll`). */
  unmount(panel: LivePanel): Promise<void> {
    if (!this.mounted.delete(panel.id)) return Promise.resolve()
    return this.lifecycle(panel.id, panel.ast, 'unmount')
  }

  /** Every loaded panel's unmount handler, each after what its queue holds; the sandbox must still be up. */
  async unmountAll(): Promise<void> {
    const panels = [...this.mounted].flatMap((id) => this.store.cached(id) ?? [])
    await Promise.all(panels.map((panel) => this.unmount(panel)))
  }

  private lifecycle(id: string, ast: PanelAst, on: 'mount' | 'unmount'): Promise<void> {
    if (!(ast as NxmlPanelAst).lifecycles?.some((l) => l.on === on)) return Promise.resolve()
    return this.queue
      .run(id, () => this.runTool(id, `${LIFECYCLE_PREFIX}${on}`, undefined, undefined, this.newChain()))
      .then(
        () => undefined,
        (error: unknown) => console.error(`[lifecycle] ${on} of panel ${id} failed:`, (error as Error).message),
      )
  }

  /** `$panel.call`: a tool on another live panel of the same workspace; outsiders look missing. */
  private async callPanel(
    from: LivePanel,
    targetId: string,
    tool: string,
    args: Json,
    actor: string | undefined,
    chain: CallChain,
  ): Promise<JsonObject> {
    const target = await unlessNotFound(this.store.get(targetId)) // a failed load fails the call, not absence
    if (!target || target.workspaceId !== from.workspaceId) throw notFound(`Panel "${targetId}"`)
    if (tool.startsWith(LIFECYCLE_PREFIX)) {
      throw new KernelError('TOOL_NOT_FOUND', `"${tool}" is a lifecycle handler; it runs on its event`, 404)
    }
    const given = args === null ? undefined : typeof args === 'object' ? args : [args]
    const result = await this.run(targetId, tool, given, actor, chain)
    return { version: result.version, state: result.state }
  }

  private runTool(
    id: string,
    toolName: string,
    rawArgs: Json[] | JsonObject | undefined,
    actor: string | undefined,
    chain: CallChain,
  ) {
    const { telemetry } = this.options
    return telemetry.anchor({ type: 'Panel', id }, () =>
      telemetry.process(
        'PanelExecution',
        async (span) => {
          const panel = await this.store.get(id)
          const now = this.clock()
          const run = prepareRun(id, panel.ast, panel.state, toolName, rawArgs, { now })
          const flushes = new FlushCommits(panel.ast, (state, ops, flush) =>
            this.commit(panel, state, ops, { tool: toolName, args: run.args, now, actor, flush }),
          )
          run.request.host = {
            ...hostBridge(
              {
                panelId: id,
                workspaceId: panel.workspaceId ?? '',
                ast: panel.ast as NxmlPanelAst,
                capabilities: run.request.capabilities,
                chain,
              },
              this.options.extensions,
              (target, tool, args, next) => this.callPanel(panel, target, tool, args, actor, next),
            ),
            onFlush: (ops, state) => flushes.add(ops, state),
          }
          const failed = (error: { code: string; message: string }, logs: LogEntry[]) =>
            telemetry.event('trigger_failed', {
              tool: toolName,
              args: run.args,
              error,
              ...(actor ? { actor } : {}),
              ...(logs.length > 0 ? { logs: logs as unknown as Json[] } : {}),
            })
          const outcome = await this.options.sandbox.run(run.request)
          // State flushed at an `await` stands whatever the rest of the run does (see `FlushCommits`).
          const flushFailure = await flushes.settled()
          if (!outcome.ok) {
            const { code, message, line, capability, logs } = outcome.error
            failed({ code, message }, logs)
            throw new KernelError(code, message, SANDBOX_STATUS[code] ?? 422, { line, capability, logs })
          }
          const { ops, state, seed, durationMs, events, logs } = outcome.value
          const view = outcome.value.view ?? []
          span.setAttribute('nexus.seed', seed)
          if (flushFailure) {
            failed({ code: flushFailure.code, message: flushFailure.message }, logs)
            throw flushFailure
          }
          const violation = findTypeViolation(panel.ast.states, state)
          if (violation) {
            failed({ code: 'STATE_INVALID', message: violation }, logs)
            throw new KernelError('STATE_INVALID', `${violation}; the change was not applied`, 422, { logs })
          }
          const ran = (version?: number) =>
            telemetry.event('handler_run', {
              tool: toolName,
              codeHash: run.codeHash,
              ...(version === undefined ? {} : { version }),
              ...(logs.length > 0 ? { logs: logs as unknown as Json[] } : {}),
            })
          // Events go out only from a run that stands, never from one refused for its state or a conflict.
          if (ops.length === 0) {
            this.events.deliver(panel, events, actor, chain.through(id))
            if (logs.length > 0) ran() // no version: this run changed nothing (replay looks runs up by version)
            return { version: panel.version, state: panel.state, ops, logs, view, events }
          }
          const details = { tool: toolName, args: run.args, seed, now, durationMs, actor, ...flushes.recorded() }
          const version = await this.commit(panel, state, ops, details)
          this.events.deliver(panel, events, actor, chain.through(id))
          ran(version)
          return { version, state, ops, logs, view, events }
        },
        { tool: `${id}/${toolName}`, 'nexus.panel': id },
      ),
    )
  }

  /**
   * Persists one change with its history event (stored with it, see HistoryOutbox.ts) and announces it. Runs
   * inside the panel's queue and its `anchor`; a CONFLICT means another writer moved the panel on.
   */
  private async commit(
    panel: LivePanel,
    state: JsonObject,
    ops: PatchOp[],
    details: Omit<StateChangeDetails, 'version'> & { tool: string; flush?: number; flushes?: number },
  ): Promise<number> {
    const id = panel.id
    const version = panel.version + 1
    const ts = this.clock()
    const change = this.options.telemetry.stateChangeEvent(ops, { ...details, version })
    const events = change ? [change] : []
    if (!(await this.options.repository.applyChange(id, version, state, ops, details.tool, ts, events))) {
      this.store.evict(id) // someone else moved the panel on: reload it next time
      throw new KernelError('CONFLICT', `Panel "${id}" changed underneath this trigger; retry it`, 409)
    }
    Object.assign(panel, { state, version, updatedAt: ts })
    this.announce({ panelId: id, version, ops, kind: 'patch' })
    this.listChanged(panel)
    return version
  }

  /**
   * A two-way `bind` write from an input: in the panel's queue like a trigger, checked against the declared
   * types (`bindWrite`), stored and broadcast as a change of tool `$bind` with the path and value as its args.
   */
  bind(id: string, path: string, value: Json, actor?: string): Promise<{ version: number }> {
    const { telemetry } = this.options
    return this.queueDurable(id, () =>
      telemetry.anchor({ type: 'Panel', id }, async () => {
        const panel = await this.store.get(id)
        const next = bindWrite(panel.ast, panel.state, path, value)
        if (next.ops.length === 0) return { version: panel.version }
        const version = await this.commit(panel, next.state, next.ops, {
          tool: BIND_TOOL,
          args: { path, value },
          actor,
        })
        return { version }
      }),
    )
  }

  /**
   * `work` in the panel's queue, answered once what it committed is durable. The queue moves on at the commit,
   * so the next change need not wait for the disk, and one fsync covers every change committed meanwhile.
   */
  private queueDurable<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(id, work).then(async (result) => {
      await this.options.repository.durable()
      return result
    })
  }
}
