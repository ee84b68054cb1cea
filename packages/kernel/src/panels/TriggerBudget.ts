import { Counter, type Registry } from 'prom-client'
import type { Trilog } from '@nexus/trilog'
import { newId } from '../accounts/secrets.ts'

/**
 * Most handler runs one trigger may cause, its own run included: every `$panel.call` and every `$emit`
 * delivery it leads to, however deep. Fan-out multiplies per level (10 emits through four panels is 1,111
 * runs), so the bound is on the whole tree, not per level.
 */
export const MAX_RUNS_PER_TRIGGER = 64

/** One handler run the budget would not pay for. */
export interface Refusal {
  kind: 'call' | 'event'
  /** The panel whose run asked for it. */
  from: string
  /** The panel that would have run. */
  to: string
  /** The event name, for a delivery. */
  event?: string
  reason: 'budget' | 'depth'
}

/**
 * What one top-level trigger (HTTP or WebSocket) may cause. Created with the trigger, carried through every
 * call and event delivery it leads to; a run it cannot pay for is refused before it is queued.
 */
export class TriggerBudget {
  /** Names the trigger in logs and TriLog events, so a refusal leads back to what started it. */
  readonly id = newId()
  /** The trigger's own run is paid for up front. */
  private runs = 1
  private readonly reportedFrom = new Set<string>()

  constructor(
    private readonly onRefused: (refusal: Refusal, budget: TriggerBudget, firstFromPanel: boolean) => void,
    readonly maxRuns = MAX_RUNS_PER_TRIGGER,
  ) {}

  /** Pays for one more handler run; false (and the refusal reported) once the budget is spent. */
  take(run: Omit<Refusal, 'reason'>): boolean {
    if (this.runs < this.maxRuns) {
      this.runs++
      return true
    }
    this.refuse({ ...run, reason: 'budget' })
    return false
  }

  /** Reports a run refused for another reason (the chain is too deep). */
  refuse(refusal: Refusal): void {
    const first = !this.reportedFrom.has(refusal.from)
    this.reportedFrom.add(refusal.from)
    this.onRefused(refusal, this, first)
  }

  /** The message a refused `$panel.call` rejects with inside the handler. */
  message(): string {
    return (
      `FANOUT_LIMIT: trigger ${this.id} has used its ${this.maxRuns} handler runs ($panel.call and $emit ` +
      `deliveries included); do less per trigger, or split the work across triggers`
    )
  }
}

/** The panels waiting up one chain of calls and events, and the budget of the trigger that started it. */
export class CallChain {
  private constructor(
    readonly panels: readonly string[],
    readonly budget: TriggerBudget,
  ) {}

  /** The chain of a new top-level trigger. */
  static start(budget: TriggerBudget): CallChain {
    return new CallChain([], budget)
  }

  /** The chain one step further, through `panelId` (which now waits on what comes next). */
  through(panelId: string): CallChain {
    return new CallChain([...this.panels, panelId], this.budget)
  }

  get depth(): number {
    return this.panels.length
  }

  includes(panelId: string): boolean {
    return this.panels.includes(panelId)
  }
}

const refusalCounters = new WeakMap<Registry, Counter<'kind' | 'reason'>>()

/**
 * Where refusals go: counted in `nexus_fanout_refused_total`, logged once per trigger with its id, and a
 * `fanout_refused` TriLog event on the asking panel, once per trigger and panel so the record stays small.
 */
export function refusalReporter(registry: Registry, telemetry: Trilog) {
  let counter = refusalCounters.get(registry)
  if (!counter) {
    counter = new Counter({
      name: 'nexus_fanout_refused_total',
      help: 'Handler runs a trigger caused but could not pay for ($panel.call rejected, event delivery dropped)',
      labelNames: ['kind', 'reason'] as const,
      registers: [registry],
    })
    refusalCounters.set(registry, counter)
  }
  const refused = counter
  let logged = false
  return (refusal: Refusal, budget: TriggerBudget, firstFromPanel: boolean): void => {
    refused.inc({ kind: refusal.kind, reason: refusal.reason })
    if (!logged) {
      logged = true
      console.warn(
        `[fanout] trigger ${budget.id}: ${refusal.kind} ${refusal.from} → ${refusal.to} refused (${refusal.reason}); ` +
          `later refusals of this trigger are counted in nexus_fanout_refused_total, not logged`,
      )
    }
    if (firstFromPanel) {
      telemetry.anchor({ type: 'Panel', id: refusal.from }, () =>
        telemetry.event('fanout_refused', { trigger: budget.id, limit: budget.maxRuns, ...refusal }),
      )
    }
  }
}
