import type { Json, JsonObject, PanelAst, PatchOp } from '@nexus/protocol'
import type { EmittedEvent, LogEntry, ViewCommand } from '@nexus/sandbox'
import { compileNxml, initialState, type NxmlPanelAst } from '@nexus/reactor'
import { diffJson, type Sandbox } from '@nexus/sandbox'
import type { ReplayResult, StateChangeDetails, Trilog, TrilogStore } from '@nexus/trilog'
import { newId } from '../accounts/secrets.ts'
import { KernelError, notFound } from '../errors.ts'
import { KeyedQueue } from '../KeyedQueue.ts'
import type { KernelMetrics } from '../metrics.ts'
import { EDIT_TOOL, type Layout, type PanelEditRepository } from '../db/PanelEditRepository.ts'
import type { PanelRepository, StoredPanel } from '../db/PanelRepository.ts'
import type { NogService } from '../nog/NogService.ts'
import type { ExtensionRegistry } from '../extensions/ExtensionRegistry.ts'
import { BIND_TOOL, bindWrite } from './bindWrite.ts'
import { LIFECYCLE_PREFIX, prepareRun } from './handlerRun.ts'
import { MAX_CALL_DEPTH, hostBridge } from './hostBridge.ts'
import { EventListenerIndex } from './EventListenerIndex.ts'
import { CallChain, TriggerBudget, refusalReporter } from './TriggerBudget.ts'
import { migrateState, retitle, type DroppedState } from './migrateState.ts'
import { FlushCommits } from './FlushCommits.ts'
import { findTypeViolation } from './stateTypes.ts'

/** A panel as the kernel holds it in memory: its parsed NXML beside the stored row. */
interface LivePanel extends StoredPanel {
  ast: PanelAst
}

export interface PanelChange {
  panelId: string
  version: number
  ops: PatchOp[]
  /** `reset` after an NXML edit: subscribers need a fresh snapshot, not a patch. */
  kind: 'patch' | 'reset'
}

export interface EditResult {
  version: number
  state: JsonObject
  dropped: DroppedState[]
}

export interface TriggerResult {
  version: number
  state: JsonObject
  ops: PatchOp[]
  /** The run's `$log` lines (capped by the sandbox), for the caller; history has them in `handler_run`. */
  logs: LogEntry[]
  /** The run's `$view` commands in call order: for the view of the caller only, never broadcast. */
  view: ViewCommand[]
}

export interface PanelServiceOptions {
  repository: PanelRepository
  edits: PanelEditRepository
  sandbox: Sandbox
  trilog: TrilogStore
  /** TriLog's SDK: handler runs become PanelExecution spans, changes state_change events with their trace. */
  telemetry: Trilog
  /** Keeps each panel's derived entities (panel, states, computeds, tools) in the workspace graph. */
  nog: NogService
  /** `$ext.<alias>` calls go to these, by the name each panel's `<Extension>` gives its alias. */
  extensions: ExtensionRegistry
  metrics: KernelMetrics
  clock?: () => number
}

const SANDBOX_STATUS: Record<string, number> = { CAPABILITY_DENIED: 403 }

/**
 * Panels: create from NXML, read, and run tools. Triggers on one panel run one at a time, in arrival order;
 * each applied change is persisted with its history event (in the same transaction, see `HistoryOutbox`), then
 * announced to `onChange` listeners (the sync hub); the history relay hands the event to TriLog.
 */
export class PanelService {
  private readonly live = new Map<string, LivePanel>()
  /** One change at a time per panel. */
  private readonly queue = new KeyedQueue()
  private readonly eventIndex = new EventListenerIndex()
  /** Panels whose `<Lifecycle on="mount">` this process has run (or queued), until their unmount. */
  private readonly mounted = new Set<string>()
  private readonly listeners = new Set<(change: PanelChange) => void>()
  private readonly listListeners = new Set<(workspaceId: string, panelId: string) => void>()
  private readonly clock: () => number

  constructor(private readonly options: PanelServiceOptions) {
    this.clock = options.clock ?? Date.now
  }

  /** A panel of a workspace appeared, changed its title, version or layout, or went to/came from the trash. */
  onListChange(listener: (workspaceId: string, panelId: string) => void): () => void {
    this.listListeners.add(listener)
    return () => this.listListeners.delete(listener)
  }

  private listChanged(panel: LivePanel): void {
    this.eventIndex.update(panel)
    if (panel.workspaceId) for (const listener of this.listListeners) listener(panel.workspaceId, panel.id)
  }

  onChange(listener: (change: PanelChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** A new panel from NXML; `state` (from a duplicate) is kept where it fits the declarations. */
  async create(nxml: string, workspaceId: string, from?: { state: JsonObject; layout: Layout }): Promise<StoredPanel> {
    const ast = compileOrThrow(nxml)
    const now = this.clock()
    const panel: LivePanel = {
      id: newId(),
      title: ast.title,
      nxml,
      state: from ? migrateState(from.state, ast).state : initialState(ast),
      version: 0,
      workspaceId,
      deletedAt: null,
      ...(from?.layout ?? { x: 0, y: 0, w: 4, h: 4 }),
      createdAt: now,
      updatedAt: now,
      ast,
    }
    const { ast: _ast, ...row } = panel
    const { telemetry } = this.options
    const anchored = { type: 'Panel', id: panel.id }
    // History's first event goes to the outbox with the panel itself (see HistoryOutbox.ts).
    const snapshot = telemetry.anchor(anchored, () => telemetry.snapshotEvent(panel.state, 0))
    await this.options.repository.insert(row, snapshot ? [snapshot] : [])
    this.live.set(panel.id, panel)
    await this.syncGraph(panel)
    this.listChanged(panel)
    telemetry.anchor(anchored, () =>
      telemetry.event('created', { workspaceId, title: panel.title, ...(from ? { duplicate: true } : {}) }),
    )
    await this.mount(panel)
    return panel
  }

  /** The panel with its parsed NXML, from memory or the database; trashed panels only with `includeTrashed`. */
  async get(id: string, includeTrashed = false): Promise<LivePanel> {
    const panel = await this.load(id)
    if (panel.deletedAt !== null && !includeTrashed) throw notFound(`Panel "${id}"`)
    return panel
  }

  /** The in-memory copy, if the panel is loaded (synchronous, for broadcasting). */
  cached(id: string): LivePanel | undefined {
    return this.live.get(id)
  }

  private async load(id: string): Promise<LivePanel> {
    const cached = this.live.get(id)
    if (cached) return cached
    const stored = await this.options.repository.get(id)
    if (!stored) throw notFound(`Panel "${id}"`)
    const compiled = compileNxml(stored.nxml)
    if (!compiled.ast) throw new KernelError('NXML_INVALID', `Stored panel "${id}" no longer parses`, 500)
    // Another load may have won the race while this one awaited; keep the first so there is one live copy.
    const panel = this.live.get(id) ?? { ...stored, ast: compiled.ast }
    this.live.set(id, panel)
    // Queued now, before the caller can queue anything: mount runs first. Not awaited (it may be the caller's).
    if (panel.deletedAt === null) void this.mount(panel)
    return panel
  }

  list(workspaceIds: readonly string[], trashed = false) {
    return this.options.repository.list(workspaceIds, trashed)
  }

  changesSince(id: string, since: number, limit: number) {
    return this.options.repository.changesSince(id, since, limit)
  }

  /**
   * Runs `tool` on the panel after every trigger queued before it. `onQueued` is called once the run has its
   * place in the panel's queue (a caller keeping one client's triggers in order starts the next one then).
   */
  async trigger(
    id: string,
    tool: string,
    args: Json[] | JsonObject | undefined,
    actor?: string,
    chain = CallChain.start(new TriggerBudget(refusalReporter(this.options.metrics.registry, this.options.telemetry))),
    onQueued?: () => void,
  ): Promise<TriggerResult> {
    if (tool.startsWith(LIFECYCLE_PREFIX)) {
      // Lifecycle handlers run on their event only — not over the API, WebSocket or `$panel.call`.
      throw new KernelError('TOOL_NOT_FOUND', `"${tool}" is a lifecycle handler; it runs on its event`, 404)
    }
    return this.run(id, tool, args, actor, chain, onQueued)
  }

  private async run(
    id: string,
    tool: string,
    args: Json[] | JsonObject | undefined,
    actor: string | undefined,
    chain: CallChain,
    onQueued?: () => void,
  ): Promise<TriggerResult> {
    await this.get(id) // fail fast on an unknown panel
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

  /** Replaces the NXML: state is kept where it still fits, and subscribers get a fresh snapshot. */
  updateNxml(id: string, nxml: string, actor?: string): Promise<EditResult> {
    return this.queue.run(id, async () => {
      const panel = await this.get(id)
      const ast = compileOrThrow(nxml)
      const { state, dropped } = migrateState(panel.state, ast)
      const ops = diffJson(panel.state, state)
      const version = panel.version + 1
      const ts = this.clock()
      const { telemetry } = this.options
      const event = telemetry.anchor({ type: 'Panel', id }, () =>
        telemetry.stateChangeEvent(ops, { version, tool: EDIT_TOOL, actor }),
      )
      if (!(await this.options.edits.replaceNxml(id, version, nxml, ast.title, state, ops, ts, event ? [event] : []))) {
        this.live.delete(id)
        throw new KernelError('CONFLICT', `Panel "${id}" changed underneath this edit; reload and retry`, 409)
      }
      Object.assign(panel, { nxml, ast, title: ast.title, state, version, updatedAt: ts })
      telemetry.anchor({ type: 'Panel', id }, () => telemetry.event('nxml_edit', { version, source: 'editor' }))
      for (const listener of this.listeners) listener({ panelId: id, version, ops, kind: 'reset' })
      this.listChanged(panel)
      await this.syncGraph(panel)
      return { version, state, dropped }
    })
  }

  async rename(id: string, title: string, actor?: string): Promise<EditResult> {
    const next = retitle((await this.get(id)).nxml, title)
    if (next === undefined) throw new KernelError('NXML_INVALID', 'The panel has no <NexusPanel> root to rename', 422)
    return this.updateNxml(id, next, actor)
  }

  async duplicate(id: string, workspaceId: string): Promise<StoredPanel> {
    const source = await this.get(id)
    const nxml = retitle(source.nxml, `${source.title} (copy)`) ?? source.nxml
    const { x, y, w, h } = source
    return this.create(nxml, workspaceId, { state: source.state, layout: { x: x + 1, y: y + 1, w, h } })
  }

  async setLayout(id: string, layout: Layout): Promise<void> {
    const panel = await this.get(id)
    if (!(await this.options.edits.setLayout(id, layout, this.clock()))) throw notFound(`Panel "${id}"`)
    Object.assign(panel, layout)
    this.listChanged(panel)
  }

  async trash(id: string): Promise<void> {
    const panel = await this.get(id)
    await this.unmount(panel)
    const ts = this.clock()
    if (!(await this.options.edits.trash(id, ts))) throw notFound(`Panel "${id}"`)
    panel.deletedAt = ts
    this.listChanged(panel)
    if (panel.workspaceId) await this.options.nog.removePanel(panel.workspaceId, id).catch(logGraphError)
  }

  async restore(id: string): Promise<void> {
    const panel = await this.get(id, true)
    if (!(await this.options.edits.restore(id))) {
      throw new KernelError('NOT_TRASHED', `Panel "${id}" is not in the trash`, 409)
    }
    panel.deletedAt = null
    this.listChanged(panel)
    await this.syncGraph(panel)
    await this.mount(panel)
  }

  /**
   * `<Lifecycle on="mount">`: once per panel per kernel process, before any other run on it — at creation, on
   * restore from the trash, and when this process first loads a stored panel (first subscribe, trigger, read
   * or event delivery after a start). Runs like a tool (sandbox, capabilities, history); a failure is
   * recorded (`trigger_failed`) and logged, and the panel works on.
   */
  private mount(panel: LivePanel): Promise<void> {
    if (this.mounted.has(panel.id)) return Promise.resolve()
    this.mounted.add(panel.id)
    return this.lifecycle(panel.id, panel.ast, 'mount')
  }

  /** `<Lifecycle on="unmount">`: when the panel goes to the trash, and at shutdown (`unmountAll`). */
  private unmount(panel: LivePanel): Promise<void> {
    if (!this.mounted.delete(panel.id)) return Promise.resolve()
    return this.lifecycle(panel.id, panel.ast, 'unmount')
  }

  /**
   * Runs every loaded panel's unmount handler (in each panel's queue, after what is already queued), for a
   * kernel that is shutting down; the sandbox must still be up. Resolves when all have settled.
   */
  async unmountAll(): Promise<void> {
    const panels = [...this.mounted].flatMap((id) => this.live.get(id) ?? [])
    await Promise.all(panels.map((panel) => this.unmount(panel)))
  }

  private lifecycle(id: string, ast: PanelAst, on: 'mount' | 'unmount'): Promise<void> {
    if (!(ast as NxmlPanelAst).lifecycles?.some((l) => l.on === on)) return Promise.resolve()
    const chain = CallChain.start(
      new TriggerBudget(refusalReporter(this.options.metrics.registry, this.options.telemetry)),
    )
    return this.queue
      .run(id, () => this.runTool(id, `${LIFECYCLE_PREFIX}${on}`, undefined, undefined, chain))
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
    const target = await this.get(targetId).catch(() => undefined)
    if (!target || target.workspaceId !== from.workspaceId) throw notFound(`Panel "${targetId}"`)
    const given = args === null ? undefined : typeof args === 'object' ? args : [args]
    const result = await this.trigger(targetId, tool, given, actor, chain)
    return { version: result.version, state: result.state }
  }

  /**
   * `$emit(name, payload)` reaches every other panel of the workspace with `<Lifecycle on="event:name">`;
   * each runs its handler in its own queue with `$args = {event, payload, from}`, once the emitting run has
   * committed (or changed nothing). Delivery never blocks the emitting run; each one is paid from the
   * trigger's budget, and past it (or past the call depth) the delivery is dropped and reported, never run.
   */
  private deliver(
    source: LivePanel,
    events: readonly EmittedEvent[],
    actor: string | undefined,
    chain: CallChain,
  ): void {
    const workspaceId = source.workspaceId
    if (!workspaceId || events.length === 0) return
    void (async () => {
      for (const event of events) {
        for (const target of await this.eventListeners(workspaceId, event.name)) {
          if (chain.includes(target)) continue
          const delivery = { kind: 'event', from: source.id, to: target, event: event.name } as const
          if (chain.depth > MAX_CALL_DEPTH) {
            chain.budget.refuse({ ...delivery, reason: 'depth' })
            continue
          }
          if (!chain.budget.take(delivery)) continue
          const args = { event: event.name, payload: event.payload, from: source.id }
          await this.run(target, `${LIFECYCLE_PREFIX}event:${event.name}`, args, actor, chain).catch((error: unknown) =>
            console.error(`[events] ${event.name} → ${target}:`, (error as Error).message),
          )
        }
      }
    })().catch((error: unknown) => console.error(`[events] delivery from ${source.id} failed:`, error))
  }

  /** The live panels of a workspace listening to `event`, from the in-memory index. */
  private eventListeners(workspaceId: string, event: string): Promise<readonly string[]> {
    return this.eventIndex.listeners(workspaceId, event, async () => {
      const panels: LivePanel[] = []
      for (const summary of await this.list([workspaceId])) {
        const panel = await this.get(summary.id).catch(() => undefined)
        if (panel) panels.push(panel)
      }
      return panels
    })
  }

  /** The graph follows the panel; a graph failure is logged, never fails the panel change itself. */
  private async syncGraph(panel: LivePanel): Promise<void> {
    if (!panel.workspaceId) return
    await this.options.nog.syncPanel(panel.workspaceId, panel.id, panel.title, panel.ast).catch(logGraphError)
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
          const panel = await this.get(id)
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
            this.deliver(panel, events, actor, chain.through(id))
            if (logs.length > 0) ran() // no version: this run changed nothing (replay looks runs up by version)
            return { version: panel.version, state: panel.state, ops, logs, view }
          }
          const details = { tool: toolName, args: run.args, seed, now, durationMs, actor, ...flushes.recorded() }
          const version = await this.commit(panel, state, ops, details)
          this.deliver(panel, events, actor, chain.through(id))
          ran(version)
          return { version, state, ops, logs, view }
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
      this.live.delete(id) // someone else moved the panel on: reload it next time
      throw new KernelError('CONFLICT', `Panel "${id}" changed underneath this trigger; retry it`, 409)
    }
    Object.assign(panel, { state, version, updatedAt: ts })
    for (const listener of this.listeners) listener({ panelId: id, version, ops, kind: 'patch' })
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
        const panel = await this.get(id)
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

  /** The state of a panel at `at` (ms since epoch), rebuilt from TriLog. */
  async stateAt(id: string, at: number): Promise<JsonObject | undefined> {
    return (await this.replayAt(id, at)).state
  }

  /** `stateAt` with what the replay skipped (`skipped.count`, the first reasons): a damaged log shows. */
  async replayAt(id: string, at: number): Promise<ReplayResult> {
    await this.get(id, true)
    return this.options.trilog.replayAt('Panel', id, at)
  }
}

function compileOrThrow(nxml: string): PanelAst {
  const compiled = compileNxml(nxml)
  if (!compiled.ok || !compiled.ast) {
    throw new KernelError('NXML_INVALID', 'The NXML has errors; fix the diagnostics and try again', 422, {
      diagnostics: compiled.diagnostics,
    })
  }
  return compiled.ast
}

function logGraphError(error: unknown): void {
  console.error('[nog] could not update the graph for a panel:', error)
}
