import type { Json, JsonObject, PatchOp } from '@nexus/protocol'
import type { SandboxLimits } from './limits.ts'

/** One handler invocation. */
export interface HandlerRun {
  /** The handler body: the body of an async function; `await` and `return` are allowed at top level. */
  code: string
  /** 1-based NXML line where `code` starts; errors report NXML lines (default 1: lines within `code`). */
  line?: number
  /** The panel state before the run. */
  state: JsonObject
  args: JsonObject
  /** Read-only values. */
  computed?: JsonObject
  /** e.g. `['state:write:count', 'events:emit:*']`. */
  capabilities: string[]
  /** Seeds `Math.random` inside the guest (default: derived from the host clock; always reported). */
  seed?: number
  /** What `Date.now()` returns inside the guest (default: host `Date.now()`; always reported). */
  now?: number
  limits?: Partial<SandboxLimits>
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error'
  message: string
}

export interface EmittedEvent {
  name: string
  payload: Json
}

export interface HandlerResult {
  /** RFC 6902 operations that turn the old state into `state`. */
  ops: PatchOp[]
  state: JsonObject
  logs: LogEntry[]
  events: EmittedEvent[]
  returnValue: Json | null
  seed: number
  now: number
  durationMs: number
}

export type SandboxErrorCode =
  | 'SANDBOX_TIMEOUT'
  | 'SANDBOX_MEMORY'
  | 'SANDBOX_STACK'
  | 'CAPABILITY_DENIED'
  | 'HANDLER_ERROR'
  | 'SANDBOX_OUTPUT_LIMIT'

export type SandboxFailureKind = 'TIMEOUT' | 'MEMORY' | 'STACK' | 'CAPABILITY_DENIED' | 'HANDLER_ERROR' | 'OUTPUT_LIMIT'

export interface SandboxFailure {
  code: SandboxErrorCode
  kind: SandboxFailureKind
  message: string
  /** NXML line of the failing statement, when known. */
  line?: number
  /** The missing capability, for `CAPABILITY_DENIED`. */
  capability?: string
  /** Logs written before the failure. */
  logs: LogEntry[]
}

export type RunOutcome = { ok: true; value: HandlerResult } | { ok: false; error: SandboxFailure }
