import type { Json } from '@nexus/protocol'
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten'
import { GUEST_PRELUDE, HANDLER_FILE, PRELUDE_FILE, wrapHandler } from './guestPrelude.ts'
import type { SandboxLimits } from './limits.ts'
import type { RunSession } from './RunSession.ts'

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
  code: string
  stateJson: string
  argsJson: string
  computedJson: string
  seed: number
  now: number
  limits: SandboxLimits
  /** `performance.now()` value after which the run is interrupted. */
  deadline: number
  session: RunSession
  channel: HostChannel
}

export interface ExecuteOutcome {
  result: ExecuteResult
  /** The engine threw on the host or failed to dispose: drop the whole module, never touch it again. */
  poisoned: boolean
}

/** Runs one handler in a fresh context of `req.runtime`, always under the deadline, memory and stack limits. */
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
  let context: QuickJSContext | undefined
  let result: ExecuteResult
  try {
    context = runtime.newContext()
    result = await drive(context, runtime, req)
  } catch (error) {
    // A host-side exception (e.g. V8 stack overflow inside WASM) leaves the runtime corrupt: disposing it
    // aborts, so it is abandoned along with its module.
    return { result: { kind: 'crashed', error }, poisoned: true }
  }
  if (interrupted && result.kind !== 'settled') result = { kind: 'interrupted' }
  try {
    context.dispose()
    return { result, poisoned: false }
  } catch {
    return { result, poisoned: true }
  }
}

async function drive(ctx: QuickJSContext, runtime: QuickJSRuntime, req: ExecuteRequest): Promise<ExecuteResult> {
  const owned: QuickJSHandle[] = []
  const own = (handle: QuickJSHandle): QuickJSHandle => (owned.push(handle), handle)
  const calls = new Map<number, QuickJSDeferredPromise>()
  try {
    const boot = ctx.evalCode(GUEST_PRELUDE, PRELUDE_FILE)
    if (boot.error) return threw(ctx, boot.error)
    own(boot.value)
    const { session } = req
    const host = [
      hostFunction(ctx, 'hostLog', ([level, message]) => session.log(level ?? '', message ?? '')),
      hostFunction(ctx, 'hostEmit', ([name, payload]) => session.emit(name ?? '', payload ?? 'null')),
      hostFunction(ctx, 'hostView', ([cmd, id, args]) => session.viewCommand(cmd ?? '', id ?? '', args ?? '[]')),
      hostCallFunction(ctx, req, calls),
    ].map(own)
    const booted = ctx.callFunction(boot.value, ctx.undefined, [
      own(ctx.newNumber(req.seed)),
      own(ctx.newNumber(req.now)),
      ...host,
    ])
    if (booted.error) return threw(ctx, booted.error)
    own(booted.value)
    const start = own(ctx.getProp(booted.value, 0))
    const snapshot = own(ctx.getProp(booted.value, 1))
    const handler = ctx.evalCode(wrapHandler(req.code), HANDLER_FILE)
    if (handler.error) return threw(ctx, handler.error)
    own(handler.value)
    const inputs = [req.stateJson, req.argsJson, req.computedJson].map((json) => own(ctx.newString(json)))
    const promise = ctx.callFunction(start, ctx.undefined, [handler.value, ...inputs])
    if (promise.error) return threw(ctx, promise.error)
    return await settle(ctx, runtime, own(promise.value), req, calls, snapshot)
  } finally {
    for (const deferred of calls.values()) if (deferred.alive) deferred.dispose()
    for (const handle of owned.reverse()) if (handle.alive) handle.dispose()
  }
}

/** `hostCall(kind, target, method, argsJson)`: checks the session, sends the call, returns a guest promise. */
function hostCallFunction(
  ctx: QuickJSContext,
  req: ExecuteRequest,
  calls: Map<number, QuickJSDeferredPromise>,
): QuickJSHandle {
  return ctx.newFunction('hostCall', (...handles) => {
    try {
      if (handles.length !== 4 || handles.some((h) => ctx.typeof(h) !== 'string')) {
        return { error: ctx.newError('hostCall takes string arguments') }
      }
      const [kind, target, method, argsJson] = handles.map((h) => ctx.getString(h)) as [string, string, string, string]
      if (kind !== 'ext' && kind !== 'panel') return { error: ctx.newError('unknown host call') }
      const args = JSON.parse(argsJson) as Json[]
      const problem = req.session.hostCall(kind, target, args)
      if (problem !== undefined) return { error: ctx.newError(problem) }
      const deferred = ctx.newPromise()
      const callId = req.session.hostCalls
      calls.set(callId, deferred)
      req.channel.call(callId, kind, target, method, args)
      return deferred.handle
    } catch {
      return { error: ctx.newError('hostCall failed in the sandbox host') }
    }
  })
}

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
    if (state.type === 'rejected') return threw(ctx, state.error)
    if (state.type === 'fulfilled') {
      try {
        if (ctx.typeof(state.value) !== 'string')
          return { kind: 'threw', error: plainError('handler produced no output') }
        return { kind: 'settled', text: ctx.getString(state.value) }
      } finally {
        if (!state.notAPromise) state.value.dispose()
      }
    }
    if (req.session.fatal) return { kind: 'aborted' }
    if (performance.now() > req.deadline) return { kind: 'interrupted' }
    if (runtime.hasPendingJob()) {
      const job = runtime.executePendingJobs(1)
      if (job.error) return threw(ctx, job.error)
      job.dispose()
      continue
    }
    if (calls.size === 0) return { kind: 'stuck' }
    if (req.channel.flush) {
      const snap = ctx.callFunction(snapshot, ctx.undefined)
      if (snap.error) return threw(ctx, snap.error)
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

type HostImpl = (args: string[]) => string | undefined

/** A guest-callable function taking string arguments; problems become guest exceptions, never host ones. */
function hostFunction(ctx: QuickJSContext, name: string, impl: HostImpl): QuickJSHandle {
  return ctx.newFunction(name, (...handles) => {
    try {
      const args: string[] = []
      for (const handle of handles) {
        if (ctx.typeof(handle) !== 'string') return { error: ctx.newError(`${name} takes string arguments`) }
        args.push(ctx.getString(handle))
      }
      const problem = impl(args)
      return problem === undefined ? undefined : { error: ctx.newError(problem) }
    } catch {
      return { error: ctx.newError(`${name} failed in the sandbox host`) }
    }
  })
}

function threw(ctx: QuickJSContext, handle: QuickJSHandle): ExecuteResult {
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
