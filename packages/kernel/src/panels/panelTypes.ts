import type { JsonObject, PatchOp } from '@nexus/protocol'
import type { EmittedEvent, LogEntry, Sandbox, ViewCommand } from '@nexus/sandbox'
import type { Trilog, TrilogStore } from '@nexus/trilog'
import type { PanelEditRepository } from '../db/PanelEditRepository.ts'
import type { PanelRepository } from '../db/PanelRepository.ts'
import type { ExtensionRegistry } from '../extensions/ExtensionRegistry.ts'
import type { KernelMetrics } from '../metrics.ts'
import type { NogService } from '../nog/NogService.ts'
import type { DroppedState } from './migrateState.ts'

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
  /** The run's `$emit` events (also delivered to listening panels), for the caller's view (toasts). */
  events: EmittedEvent[]
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
