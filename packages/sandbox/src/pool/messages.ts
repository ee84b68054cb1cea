import type { Json, JsonObject, PatchOp } from '@nexus/protocol'
import type { SandboxLimits } from '../limits.ts'
import type { LogEntry, RunOutcome } from '../types.ts'

/** One run as posted to a worker: plain, structured-cloneable data (the host bridge stays on the main thread). */
export interface WorkerRun {
  id: number
  code: string
  line: number
  state: JsonObject
  args: JsonObject
  computed: JsonObject
  capabilities: string[]
  seed: number
  now: number
  limits: SandboxLimits
  /** A WASI module to run instead of `code` (worker/runWasi.ts). */
  wasi?: Uint8Array
  /** The host has `onFlush`: flush state ops while the guest waits on host calls. */
  flush: boolean
}

/**
 * By message port, pool → worker: a run too large for shared memory (as text) or a WASI run (with its bytes),
 * and host-call replies. Each is announced through the shared channel (sharedChannel.ts), never listened for.
 */
export type ToWorker =
  | { t: 'run'; text: string }
  | { t: 'run'; run: WorkerRun }
  | { t: 'reply'; id: number; callId: number; ok: true; json: string }
  | { t: 'reply'; id: number; callId: number; ok: false; message: string }

/** By `postMessage`, worker → pool; a run's answer comes through the shared channel unless it is too large. */
export type FromWorker =
  | { t: 'ready' }
  | { t: 'call'; id: number; callId: number; kind: 'ext' | 'panel'; target: string; method: string; args: Json[] }
  | { t: 'flush'; id: number; ops: PatchOp[]; state: JsonObject }
  | { t: 'log'; id: number; entry: LogEntry }
  | { t: 'done'; id: number; outcome: RunOutcome }
