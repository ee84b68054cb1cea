import type { Json, JsonObject } from '@nexus/protocol'
import type { EmittedEvent } from '@nexus/sandbox'
import { unlessNotFound } from '../errors.ts'
import type { KernelMetrics } from '../metrics.ts'
import { EventListenerIndex } from './EventListenerIndex.ts'
import { LIFECYCLE_PREFIX } from './handlerRun.ts'
import { MAX_CALL_DEPTH } from './hostBridge.ts'
import type { LivePanel, PanelStore } from './PanelStore.ts'
import type { CallChain } from './TriggerBudget.ts'

/** Runs a panel's tool (here a `lifecycle:event:…` handler) in its queue, paid from `chain`. */
export type RunOnPanel = (
  id: string,
  tool: string,
  args: Json[] | JsonObject | undefined,
  actor: string | undefined,
  chain: CallChain,
) => Promise<unknown>

/**
 * The event bus: `$emit(name, payload)` reaches every other panel of the workspace with
 * `<Lifecycle on="event:name">`, found through `EventListenerIndex` (per workspace in memory, loaded on the
 * workspace's first emit, kept current by `update` on every list change), never by loading every panel.
 */
export class EventDelivery {
  private readonly index = new EventListenerIndex()

  constructor(
    private readonly store: PanelStore,
    private readonly metrics: KernelMetrics,
    private readonly run: RunOnPanel,
  ) {}

  /** A panel appeared, changed or went to/came from the trash: its listening is looked at again. */
  update(panel: LivePanel): void {
    this.index.update(panel)
  }

  /**
   * Each listener runs its handler in its own queue with `$args = {event, payload, from}`, once the emitting run
   * has committed (or changed nothing). Delivery never blocks the emitting run; each one is paid from the
   * trigger's budget, and past it (or past the call depth) the delivery is dropped and reported, never run.
   * A failure to find the listeners (a database down) is logged and counted (`event_delivery`).
   */
  deliver(source: LivePanel, events: readonly EmittedEvent[], actor: string | undefined, chain: CallChain): void {
    const workspaceId = source.workspaceId
    if (!workspaceId || events.length === 0) return
    void (async () => {
      for (const event of events) {
        for (const target of await this.listeners(workspaceId, event.name)) {
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
    })().catch((error: unknown) => {
      console.error(`[events] delivery from ${source.id} failed:`, error)
      this.metrics.kernelFailures.inc({ where: 'event_delivery' })
    })
  }

  /** The live panels of a workspace listening to `event`, from the in-memory index. */
  private listeners(workspaceId: string, event: string): Promise<readonly string[]> {
    return this.index.listeners(workspaceId, event, async () => {
      const panels: LivePanel[] = []
      for (const summary of await this.store.list([workspaceId])) {
        // Trashed meanwhile: not a listener. A panel that cannot be loaded fails the delivery (logged, counted).
        const panel = await unlessNotFound(this.store.get(summary.id))
        if (panel) panels.push(panel)
      }
      return panels
    })
  }
}
