import type { Json, JsonObject, PatchOp } from '@nexus/protocol'
import type { SandboxLimits } from './limits.ts'

/** One handler invocation. */
export interface HandlerRun {
  /** The handler body: the body of an async function; `await` and `return` are allowed at top level. */
  code: string
  /**
   * Runs a WASI command module instead of `code` (which is then ignored): the readable state as JSON on
   * stdin, `args` as JSON in `argv[1]`; stdout is the new state's JSON (optionally a newline and the return
   * value's JSON); stderr lines are logs. The module must import `env.memory`, which is capped at
   * `limits.memoryBytes`; the deadline is the watchdog's; ops are checked like any handler's.
   */
  wasi?: { module: Uint8Array }
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
  /** `false` runs this handler in QuickJS even when it is in the tier-0 subset (see `SandboxOptions.tier0`). */
  tier0?: boolean
  /** Host services reached from the guest through `$ext`, `$panel.call`, and the flush at each `await`. */
  host?: HostBridge
}

/**
 * What the host lends a run. Calls cross the worker boundary as messages; capabilities are checked before
 * any of them is invoked. When `onFlush` is given, the state operations made before each `await` that waits
 * on host I/O are validated and handed to it while the I/O is in flight: those are committed, and a later
 * failure discards only the operations made since the last flush.
 */
export interface HostBridge {
  /** `$ext.<alias>.<method>(...args)`; needs `ext:<alias>` (and `net:<host>` for alias `http`). */
  ext?(alias: string, method: string, args: Json[]): Promise<Json>
  /** `$panel.call(panelId, tool, args)`; needs `panel:call:<panelId>`. */
  panelCall?(panelId: string, tool: string, args: Json): Promise<Json>
  /** Operations made since the previous flush, and the state they lead to. Must not throw. */
  onFlush?(ops: PatchOp[], state: JsonObject): void
}

/** `$view.<cmd>(id, ...args)`, recorded for the host to apply after the run; needs `view:update`. */
export interface ViewCommand {
  cmd: string
  id: string
  args: Json[]
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
  /**
   * RFC 6902 operations that turn the old state into `state` — or, when ops were flushed at an `await`
   * (see {@link HostBridge.onFlush}), the state after the last flush into `state`.
   */
  ops: PatchOp[]
  state: JsonObject
  logs: LogEntry[]
  events: EmittedEvent[]
  /** `$view` commands in call order. */
  view?: ViewCommand[]
  /** How many flushes were handed to `host.onFlush` before the final ops. */
  flushes?: number
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
