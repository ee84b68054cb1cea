import { classifyCrash, classifyGuestError } from './classifyError.ts'
import type { ErrorContext } from './classifyError.ts'
import { FATAL_CODES, neverSettlesError, SandboxDisposedError, timeoutError } from './errors.ts'
import type { SandboxError } from './errors.ts'
import { execute } from './execute.ts'
import type { ExecuteResult } from './execute.ts'
import { DEFAULT_LIMITS, MODULE_MEMORY_BYTES, resolveLimits } from './limits.ts'
import type { SandboxLimits } from './limits.ts'
import { loadModule } from './loadModule.ts'
import type { LoadedModule } from './loadModule.ts'
import { readOutput } from './readOutput.ts'
import { RunSession } from './RunSession.ts'
import type { HandlerRun, RunOutcome } from './types.ts'
import { validateRun } from './validateRun.ts'

/**
 * Runs NXML handlers in QuickJS-in-WASM under capabilities and limits. One WASM module per Sandbox
 * (loaded lazily, replaced after any fatal limit); a fresh runtime + context per run. Runs are queued,
 * so concurrent `run()` calls are safe.
 *
 * @example
 * const sandbox = await Sandbox.create()
 * const out = await sandbox.run({ code: '$state.count += $args.step', state: { count: 0 }, args: { step: 1 },
 *   capabilities: ['state:write:count'] })
 * // out.ok && out.value.ops → [{ op: 'replace', path: '/count', value: 1 }]
 */
export class Sandbox {
  readonly limits: SandboxLimits
  #module: Promise<LoadedModule> | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #disposed = false

  private constructor(limits: SandboxLimits) {
    this.limits = limits
  }

  static async create(options: { limits?: Partial<SandboxLimits> } = {}): Promise<Sandbox> {
    const sandbox = new Sandbox(resolveLimits(DEFAULT_LIMITS, options.limits))
    await sandbox.#loaded()
    return sandbox
  }

  /** Runs one handler; expected failures (limits, capabilities, guest errors) are values, never throws. */
  run(req: HandlerRun): Promise<RunOutcome> {
    const next = this.#queue.then(() => this.#runNow(req))
    this.#queue = next.catch(() => undefined)
    return next
  }

  /** Drops the WASM module; later `run()` calls reject with SandboxDisposedError. */
  dispose(): void {
    this.#disposed = true
    this.#module = undefined
  }

  #loaded(): Promise<LoadedModule> {
    if (this.#disposed) return Promise.reject(new SandboxDisposedError())
    this.#module ??= loadModule()
    return this.#module
  }

  async #runNow(req: HandlerRun): Promise<RunOutcome> {
    validateRun(req)
    const limits = resolveLimits(this.limits, req.limits)
    const seed = req.seed === undefined ? defaultSeed() : req.seed >>> 0
    const now = req.now ?? Date.now()
    const loaded = await this.#loaded()
    const started = performance.now()
    const memoryBefore = loaded.memory.buffer.byteLength
    const session = new RunSession(req.capabilities, limits)
    const { result, poisoned } = execute({
      module: loaded.module,
      code: req.code,
      stateJson: JSON.stringify(req.state),
      argsJson: JSON.stringify(req.args),
      computedJson: JSON.stringify(req.computed ?? {}),
      seed,
      now,
      limits,
      deadline: started + limits.timeoutMs,
      session,
    })
    const memoryAfter = loaded.memory.buffer.byteLength
    const errorContext: ErrorContext = {
      code: req.code,
      line: req.line ?? 1,
      limits,
      memoryPressure: memoryAfter > memoryBefore || memoryAfter >= MODULE_MEMORY_BYTES,
    }
    const failure = failureOf(result, session, errorContext)
    // A fatal limit (or a poisoned engine) retires the module too: ~7 ms to replace, and it returns the
    // grown WASM memory to the host.
    if (poisoned || (failure && FATAL_CODES.has(failure.code))) this.#module = undefined
    if (failure) return { ok: false, error: failure.toFailure(session.logs()) }
    const text = (result as { text: string }).text
    const output = readOutput(text, req.state, req.capabilities, limits)
    if (!output.ok) return { ok: false, error: output.error.toFailure(session.logs()) }
    const { state, ops, returnValue } = output.value
    const durationMs = performance.now() - started
    return {
      ok: true,
      value: { ops, state, logs: session.logs(), events: session.events, returnValue, seed, now, durationMs },
    }
  }
}

/** The run's failure, or undefined when the guest settled and produced output. */
function failureOf(result: ExecuteResult, session: RunSession, ctx: ErrorContext): SandboxError | undefined {
  switch (result.kind) {
    case 'interrupted':
      return timeoutError(ctx.limits.timeoutMs)
    case 'crashed':
      return classifyCrash(result.error, ctx)
    case 'stuck':
      return session.fatal ?? neverSettlesError()
    case 'aborted':
      return session.fatal
    case 'threw': {
      const error = classifyGuestError(result.error, ctx)
      return FATAL_CODES.has(error.code) ? error : (session.fatal ?? error)
    }
    case 'settled':
      return session.fatal
  }
}

function defaultSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x1_0000_0000)) >>> 0
}
