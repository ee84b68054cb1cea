import type { Json, JsonObject, PanelAst } from '@nexus/protocol'
import { compileNxml, initialState } from '@nexus/reactor'
import { diffJson } from '@nexus/sandbox'
import type { ReplayResult } from '@nexus/trilog'
import { newId } from '../accounts/secrets.ts'
import { KernelError, notFound } from '../errors.ts'
import { EDIT_TOOL, type Layout } from '../db/PanelEditRepository.ts'
import type { StoredPanel } from '../db/PanelRepository.ts'
import { LIFECYCLE_PREFIX } from './handlerRun.ts'
import { migrateState, retitle } from './migrateState.ts'
import type { EditResult, PanelChange, PanelServiceOptions, TriggerResult } from './panelTypes.ts'
import { PanelStore, type LivePanel } from './PanelStore.ts'
import type { CallChain } from './TriggerBudget.ts'
import { TriggerRunner } from './TriggerRunner.ts'

export type { EditResult, PanelChange, PanelServiceOptions, TriggerResult } from './panelTypes.ts'
export type { LivePanel } from './PanelStore.ts'

/**
 * Panels: create from NXML, read, edit and run tools — the facade the HTTP routes and the sync hub use, over
 * three parts: `PanelStore` (the live copies over the database), `TriggerRunner` (per-panel queue, sandbox,
 * commit, lifecycle, `$panel.call`) and its `EventDelivery` (the `$emit` fan-out, indexed by event name).
 * Each applied change is persisted with its history event (in the same transaction, see `HistoryOutbox`),
 * then announced to `onChange` listeners (the sync hub); the history relay hands the event to TriLog.
 */
export class PanelService {
  private readonly store: PanelStore
  private readonly runner: TriggerRunner
  private readonly listListeners = new Set<(workspaceId: string, panelId: string) => void>()
  private readonly clock: () => number

  constructor(private readonly options: PanelServiceOptions) {
    this.clock = options.clock ?? Date.now
    // A stored panel this process loads is mounted first, queued before the caller can queue anything.
    this.store = new PanelStore(options.repository, (panel) => {
      if (panel.deletedAt === null) void this.runner.mount(panel)
    })
    this.runner = new TriggerRunner(options, this.store, (panel) => this.listChanged(panel))
  }

  /** A panel of a workspace appeared, changed its title, version or layout, or went to/came from the trash. */
  onListChange(listener: (workspaceId: string, panelId: string) => void): () => void {
    this.listListeners.add(listener)
    return () => this.listListeners.delete(listener)
  }

  private listChanged(panel: LivePanel): void {
    this.runner.events.update(panel)
    if (panel.workspaceId) for (const listener of this.listListeners) listener(panel.workspaceId, panel.id)
  }

  onChange(listener: (change: PanelChange) => void): () => void {
    return this.runner.onChange(listener)
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
    this.store.add(panel)
    await this.syncGraph(panel)
    this.listChanged(panel)
    telemetry.anchor(anchored, () =>
      telemetry.event('created', { workspaceId, title: panel.title, ...(from ? { duplicate: true } : {}) }),
    )
    await this.runner.mount(panel)
    return panel
  }

  /** The panel with its parsed NXML, from memory or the database; trashed panels only with `includeTrashed`. */
  get(id: string, includeTrashed = false): Promise<LivePanel> {
    return this.store.get(id, includeTrashed)
  }

  /** The in-memory copy, if the panel is loaded (synchronous, for broadcasting). */
  cached(id: string): LivePanel | undefined {
    return this.store.cached(id)
  }

  list(workspaceIds: readonly string[], trashed = false) {
    return this.store.list(workspaceIds, trashed)
  }

  changesSince(id: string, since: number, limit: number) {
    return this.store.changesSince(id, since, limit)
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
    chain: CallChain = this.runner.newChain(),
    onQueued?: () => void,
  ): Promise<TriggerResult> {
    if (tool.startsWith(LIFECYCLE_PREFIX)) {
      // Lifecycle handlers run on their event only — not over the API, WebSocket or `$panel.call`.
      throw new KernelError('TOOL_NOT_FOUND', `"${tool}" is a lifecycle handler; it runs on its event`, 404)
    }
    return this.runner.run(id, tool, args, actor, chain, onQueued)
  }

  /** Replaces the NXML: state is kept where it still fits, and subscribers get a fresh snapshot. */
  updateNxml(id: string, nxml: string, actor?: string): Promise<EditResult> {
    return this.runner.inQueue(id, async () => {
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
        this.store.evict(id)
        throw new KernelError('CONFLICT', `Panel "${id}" changed underneath this edit; reload and retry`, 409)
      }
      Object.assign(panel, { nxml, ast, title: ast.title, state, version, updatedAt: ts })
      telemetry.anchor({ type: 'Panel', id }, () => telemetry.event('nxml_edit', { version, source: 'editor' }))
      this.runner.announce({ panelId: id, version, ops, kind: 'reset' })
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
    await this.runner.unmount(panel)
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
    await this.runner.mount(panel)
  }

  /** Runs every loaded panel's unmount handler, for a kernel that is shutting down (see `TriggerRunner`). */
  unmountAll(): Promise<void> {
    return this.runner.unmountAll()
  }

  /** The graph follows the panel; a graph failure is logged, never fails the panel change itself. */
  private async syncGraph(panel: LivePanel): Promise<void> {
    if (!panel.workspaceId) return
    await this.options.nog.syncPanel(panel.workspaceId, panel.id, panel.title, panel.ast).catch(logGraphError)
  }

  /** A two-way `bind` write from an input, in the panel's queue like a trigger (see `TriggerRunner.bind`). */
  bind(id: string, path: string, value: Json, actor?: string): Promise<{ version: number }> {
    return this.runner.bind(id, path, value, actor)
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
