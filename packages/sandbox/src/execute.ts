import type { Json } from '@nexus/protocol'
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten'
import type { SandboxLimits } from './limits.ts'
import type { RunSession } from './RunSession.ts'
import { WarmContext } from './WarmContext.ts'

/** A guest exception, read out of the VM. `nullish` is set when the thrown value was null or undefined. */
export interface GuestError {
  name: string | undefined
  message: string
  stack: string | undefined
  nullish: 'null' | 'undefined' | undefined
}

export type ExecuteResult =
  | { kind: 'settled'; text: string }
  | { kind: 'threw'; error: GuestError }
  | { kind: 'interrupted' }
  | { kind: 'stuck' }
  | { kind: 'aborted' }
  | { kind: 'crashed'; error: unknown }

/** The answer to one host call: JSON text of the value, or a message the guest's promise rejects with. */
export type HostReply = { callId: number; ok: true; json: string } | { callId: number; ok: false; message: string }

/** How a run reaches the host across the worker boundary. */
export interface HostChannel {
  /** Sends a call whose capability the session already checked; its reply arrives through `next`. */
  call(callId: number, kind: 'ext' | 'panel', target: string, method: string, args: Json[]): void
  /** The next reply, or undefined when `deadline` (a `performance.now()` value) passes first. */
  next(deadline: number): Promise<HostReply | undefined>
  /** Called with `$state` as JSON while the guest waits on host I/O; absent when nothing is flushed. */
  flush?: (stateJson: string) => void
}

export interface ExecuteRequest {
  /** A runtime the caller owns; it is left alive unless the outcome says `poisoned`. */
  runtime: QuickJSRuntime
  /** The warm context to reuse, or undefined to boot a new one on `runtime`. */
  warm: WarmContext | undefined
  code: string
  /** The run's inputs as one string (guestPrelude.ts `guestInput`). */
  input: string
  limits: SandboxLimits
  /** `performance.now()` value after which the run is interrupted. */
  deadline: number
  session: RunSession
  channel: HostChannel
  /**
   * Called once the guest has stopped, before its output or error is read out of the VM: lifts the run's
   * memory limit, so reading an out-of-memory error (which allocates) does not fail in turn.
   */
  onStop?: () => void
}

export interface ExecuteOutcome {
  result: ExecuteResult
  /** The engine threw on the host or failed to dispose: drop the whole module, never touch it again. */
  poisoned: boolean
  /** The context the run used, still alive (unless poisoned); the caller keeps it only when `clean`. */
  warm: WarmContext | undefined
  /**
   * The run settled with no job or host call left behind. The context may be kept only if, in addition,
   * `warm.clean()` (no new globals, no eval) holds: the caller checks that after answering the run.
   */
  clean: boolean
}

/** Runs one handler in a warm context of `req.runtime`, always under the deadline, memory and stack limits. */
export async function execute(req: ExecuteRequest): Promise<ExecuteOutcome> {
  const runtime = req.runtime
  let interrupted = false
  runtime.setMemoryLimit(req.limits.memoryBytes)
  runtime.setMaxStackSize(req.limits.stackBytes)
  runtime.setInterruptHandler(() => {
    if (performance.now() <= req.deadline) return false
    interrupted = true
    return true
  })
  const finish = (warm: WarmContext, result: ExecuteResult, clean: boolean): ExecuteOutcome => {
    if (interrupted && result.kind !== 'settled') result = { kind: 'interrupted' }
    return { result, poisoned: false, warm, clean: clean && !interrupted }
  }
  let warm = req.warm
  let result: ExecuteResult
  const calls = new Map<number, QuickJSDeferredPromise>()
  try {
    if (!warm) {
      const booted = WarmContext.boot(runtime)
      if (!booted.ok) return finish(booted.warm, threw(booted.warm.context, booted.error), false)
      warm = booted.value
    }
    warm.begin({ session: req.session, channel: req.channel, calls })
    try {
      result = await drive(warm, runtime, req, calls)
    } finally {
      warm.end()
    }
  } catch (error) {
    // A host-side exception (e.g. V8 stack overflow inside WASM) leaves the runtime corrupt: disposing it
    // aborts, so it is abandoned along with its module.
    return { result: { kind: 'crashed', error }, poisoned: true, warm: undefined, clean: false }
  }
  const settledClean = result.kind === 'settled' && calls.size === 0 && !runtime.hasPendingJob()
  for (const deferred of calls.values()) if (deferred.alive) deferred.dispose()
  return finish(warm, result, settledClean)
}

async function drive(
  warm: WarmContext,
  runtime: QuickJSRuntime,
  req: ExecuteRequest,
  calls: Map<number, QuickJSDeferredPromise>,
): Promise<ExecuteResult> {
  const ctx = warm.context
  const compiled = warm.compile(req.code)
  if (!compiled.ok) {
    if (compiled.error !== 'escaped') return threw(ctx, compiled.error, req)
    return { kind: 'threw', error: { ...plainError(ESCAPED), name: 'SyntaxError' } }
  }
  const input = ctx.newString(req.input)
  const started = ctx.callFunction(warm.start, ctx.undefined, compiled.handle, input)
  input.dispose()
  if (started.error) return threw(ctx, started.error, req)
  let promise = started.value
  if (ctx.typeof(promise) === 'undefined') {
    // A plain handler ended (start gave undefined): with no job pending its output is ready now.
    promise.dispose()
    if (!runtime.hasPendingJob()) {
      const done = ctx.callFunction(warm.finish, ctx.undefined)
      return done.error ? threw(ctx, done.error, req) : output(ctx, done.value, req)
    }
    const deferred = ctx.callFunction(warm.defer, ctx.undefined)
    if (deferred.error) return threw(ctx, deferred.error, req)
    promise = deferred.value
  }
  try {
    return await settle(ctx, runtime, promise, req, calls, warm.snapshot)
  } finally {
    promise.dispose()
  }
}

/** The settled output string (disposing its handle); anything else means the guest produced none. */
function output(ctx: QuickJSContext, value: QuickJSHandle, req: ExecuteRequest): ExecuteResult {
  req.onStop?.()
  try {
    if (ctx.typeof(value) !== 'string') return { kind: 'threw', error: plainError('handler produced no output') }
    return { kind: 'settled', text: ctx.getString(value) }
  } finally {
    value.dispose()
  }
}

const ESCAPED =
  'the handler body closes its function wrapper ("})") and opens its own; write a function body with balanced braces'

/**
 * Runs pending jobs one at a time until the promise settles, the deadline passes, or nothing can run. When
 * the guest only waits on host calls, flushes `$state` (if the channel asks) and awaits the next reply.
 */
async function settle(
  ctx: QuickJSContext,
  runtime: QuickJSRuntime,
  promise: QuickJSHandle,
  req: ExecuteRequest,
  calls: Map<number, QuickJSDeferredPromise>,
  snapshot: QuickJSHandle,
): Promise<ExecuteResult> {
  let flushed: string | undefined
  for (;;) {
    const state = ctx.getPromiseState(promise)
    if (state.type === 'rejected') return threw(ctx, state.error, req)
    if (state.type === 'fulfilled') {
      if (state.notAPromise) return { kind: 'threw', error: plainError('handler produced no output') }
      return output(ctx, state.value, req)
    }
    if (req.session.fatal) return { kind: 'aborted' }
    if (performance.now() > req.deadline) return { kind: 'interrupted' }
    if (runtime.hasPendingJob()) {
      const job = runtime.executePendingJobs(1)
      if (job.error) return threw(ctx, job.error, req)
      job.dispose()
      continue
    }
    if (calls.size === 0) return { kind: 'stuck' }
    if (req.channel.flush) {
      const snap = ctx.callFunction(snapshot, ctx.undefined)
      if (snap.error) return threw(ctx, snap.error, req)
      const text = ctx.getString(snap.value)
      snap.value.dispose()
      if (text !== flushed) req.channel.flush(text)
      flushed = text
      if (req.session.fatal) return { kind: 'aborted' }
    }
    const reply = await req.channel.next(req.deadline)
    if (reply === undefined) return { kind: 'interrupted' }
    answer(ctx, calls, reply)
  }
}

/** Settles the guest promise of one host call with the host's reply. */
function answer(ctx: QuickJSContext, calls: Map<number, QuickJSDeferredPromise>, reply: HostReply): void {
  const deferred = calls.get(reply.callId)
  if (!deferred) return
  calls.delete(reply.callId)
  const value = reply.ok ? ctx.newString(reply.json) : ctx.newError(clip(reply.message))
  if (reply.ok) deferred.resolve(value)
  else deferred.reject(value)
  value.dispose()
  deferred.dispose()
}

function threw(ctx: QuickJSContext, handle: QuickJSHandle, req?: ExecuteRequest): ExecuteResult {
  req?.onStop?.()
  try {
    return { kind: 'threw', error: toGuestError(ctx.dump(handle)) }
  } catch {
    return { kind: 'threw', error: plainError('the handler threw an error that could not be read') }
  } finally {
    handle.dispose()
  }
}

const MAX_MESSAGE_CHARS = 2000

function toGuestError(value: unknown): GuestError {
  if (value === null || value === undefined) {
    return { ...plainError(`handler threw ${String(value)}`), nullish: value === null ? 'null' : 'undefined' }
  }
  if (typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    const { name, message, stack } = value as { name?: unknown; message: string; stack?: unknown }
    return {
      name: typeof name === 'string' ? name : undefined,
      message: clip(message),
      stack: typeof stack === 'string' ? stack : undefined,
      nullish: undefined,
    }
  }
  return plainError(clip(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))))
}

function plainError(message: string): GuestError {
  return { name: undefined, message, stack: undefined, nullish: undefined }
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text
}
