import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten'
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

export interface ExecuteRequest {
  module: QuickJSWASMModule
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
}

export interface ExecuteOutcome {
  result: ExecuteResult
  /** The engine threw on the host or failed to dispose: drop the whole module, never touch it again. */
  poisoned: boolean
}

/** Runs one handler in a fresh runtime + context, always under the deadline, memory and stack limits. */
export function execute(req: ExecuteRequest): ExecuteOutcome {
  const runtime = req.module.newRuntime()
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
    result = drive(context, runtime, req)
  } catch (error) {
    // A host-side exception (e.g. V8 stack overflow inside WASM) leaves the runtime corrupt: disposing it
    // aborts, so it is abandoned along with its module.
    return { result: { kind: 'crashed', error }, poisoned: true }
  }
  if (interrupted && result.kind !== 'settled') result = { kind: 'interrupted' }
  try {
    context.dispose()
    runtime.dispose()
    return { result, poisoned: false }
  } catch {
    return { result, poisoned: true }
  }
}

function drive(ctx: QuickJSContext, runtime: QuickJSRuntime, req: ExecuteRequest): ExecuteResult {
  const owned: QuickJSHandle[] = []
  const own = (handle: QuickJSHandle): QuickJSHandle => (owned.push(handle), handle)
  try {
    const boot = ctx.evalCode(GUEST_PRELUDE, PRELUDE_FILE)
    if (boot.error) return threw(ctx, boot.error)
    const hostLog = own(hostFunction(ctx, 'hostLog', ([level, message]) => req.session.log(level ?? '', message ?? '')))
    const hostEmit = own(
      hostFunction(ctx, 'hostEmit', ([name, payload]) => req.session.emit(name ?? '', payload ?? 'null')),
    )
    const args = [own(ctx.newNumber(req.seed)), own(ctx.newNumber(req.now)), hostLog, hostEmit]
    const start = ctx.callFunction(own(boot.value), ctx.undefined, args)
    if (start.error) return threw(ctx, start.error)
    own(start.value)
    const handler = ctx.evalCode(wrapHandler(req.code), HANDLER_FILE)
    if (handler.error) return threw(ctx, handler.error)
    own(handler.value)
    const inputs = [req.stateJson, req.argsJson, req.computedJson].map((json) => own(ctx.newString(json)))
    const promise = ctx.callFunction(start.value, ctx.undefined, [handler.value, ...inputs])
    if (promise.error) return threw(ctx, promise.error)
    return settle(ctx, runtime, own(promise.value), req)
  } finally {
    for (const handle of owned.reverse()) if (handle.alive) handle.dispose()
  }
}

/** Runs pending jobs one at a time until the promise settles, the deadline passes, or nothing can run. */
function settle(
  ctx: QuickJSContext,
  runtime: QuickJSRuntime,
  promise: QuickJSHandle,
  req: ExecuteRequest,
): ExecuteResult {
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
    if (!runtime.hasPendingJob()) return { kind: 'stuck' }
    const job = runtime.executePendingJobs(1)
    if (job.error) return threw(ctx, job.error)
    job.dispose()
  }
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
