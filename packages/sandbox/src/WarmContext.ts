import type { Json } from '@nexus/protocol'
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten'
import { GUEST_PRELUDE, HANDLER_FILE, PRELUDE_FILE, handlerSource, wrapHandler } from './guestPrelude.ts'
import type { HostChannel } from './execute.ts'
import type { RunSession } from './RunSession.ts'

/** What the host functions of a context reach during one run. */
export interface RunHooks {
  session: RunSession
  channel: HostChannel
  calls: Map<number, QuickJSDeferredPromise>
}

/** Compiled handlers kept per context (keyed by source text); the least recently used is dropped. */
const CACHE_SIZE = 64

/** Booting takes ~1–2 ms here; anything near this means the engine is in trouble. */
const PREWARM_DEADLINE_MS = 500

export type Compiled = { ok: true; handle: QuickJSHandle } | { ok: false; error: QuickJSHandle | 'escaped' }

/**
 * A QuickJS context with the guest prelude booted and the realm locked down (guestPrelude.ts), reused across
 * clean runs: per run only `$state`, `$args`, `$computed`, the seed and the clock are new. Compiled handler
 * wrappers are cached as frozen function handles. The host functions dispatch to the run in progress
 * ({@link begin}); outside a run they refuse. Owners check {@link clean} after every run and dispose the
 * context unless the run ended cleanly.
 */
export class WarmContext {
  readonly context: QuickJSContext
  readonly #handles: QuickJSHandle[] = []
  readonly #cache = new Map<string, QuickJSHandle>()
  #hooks: RunHooks | undefined
  #start!: QuickJSHandle
  #finish!: QuickJSHandle
  #defer!: QuickJSHandle
  #snapshot!: QuickJSHandle
  #seal!: QuickJSHandle
  #clean!: QuickJSHandle

  private constructor(context: QuickJSContext) {
    this.context = context
  }

  /** Creates and boots a context; on a guest-side failure (deadline, memory) returns the error handle. */
  static boot(
    runtime: QuickJSRuntime,
  ): { ok: true; value: WarmContext } | { ok: false; warm: WarmContext; error: QuickJSHandle } {
    const warm = new WarmContext(runtime.newContext())
    const ctx = warm.context
    const boot = ctx.evalCode(GUEST_PRELUDE, PRELUDE_FILE)
    if (boot.error) return warm.#failBoot(boot.error)
    const host = [
      warm.#stringFunction('hostLog', (h, [level, message]) => h.session.log(level ?? '', message ?? '')),
      warm.#stringFunction('hostEmit', (h, [name, payload]) => h.session.emit(name ?? '', payload ?? 'null')),
      warm.#stringFunction('hostView', (h, [cmd, id, args]) =>
        h.session.viewCommand(cmd ?? '', id ?? '', args ?? '[]'),
      ),
      warm.#hostCallFunction(),
    ]
    const booted = ctx.callFunction(boot.value, ctx.undefined, host)
    boot.value.dispose()
    for (const handle of host) handle.dispose()
    if (booted.error) return warm.#failBoot(booted.error)
    const [start, finish, defer, snapshot, seal, clean] = [0, 1, 2, 3, 4, 5].map((i) =>
      warm.#own(ctx.getProp(booted.value, i)),
    )
    booted.value.dispose()
    warm.#start = start!
    warm.#finish = finish!
    warm.#defer = defer!
    warm.#snapshot = snapshot!
    warm.#seal = seal!
    warm.#clean = clean!
    return { ok: true, value: warm }
  }

  /** Boots a context outside any run (idle time), under a generous deadline; undefined when that fails. */
  static prewarm(runtime: QuickJSRuntime): WarmContext | undefined {
    const deadline = performance.now() + PREWARM_DEADLINE_MS
    runtime.setInterruptHandler(() => performance.now() > deadline)
    const booted = WarmContext.boot(runtime)
    if (booted.ok) return booted.value
    booted.error.dispose()
    booted.warm.dispose()
    return undefined
  }

  get start(): QuickJSHandle {
    return this.#start
  }

  /** After `start` gave undefined (a plain handler ended) and no job is pending: the output, or the throw. */
  get finish(): QuickJSHandle {
    return this.#finish
  }

  /** After `start` gave undefined with jobs pending: a promise for the output, queued behind them. */
  get defer(): QuickJSHandle {
    return this.#defer
  }

  get snapshot(): QuickJSHandle {
    return this.#snapshot
  }

  /**
   * The handler's compiled wrapper (cached), or the compile error; `'escaped'` when the body closed the
   * wrapper and opened a function of its own (it ran at the top level, so the context must be discarded).
   */
  compile(code: string): Compiled {
    const cached = this.#cache.get(code)
    if (cached) {
      this.#cache.delete(code)
      this.#cache.set(code, cached)
      return { ok: true, handle: cached }
    }
    const ctx = this.context
    const compiled = ctx.evalCode(wrapHandler(code), HANDLER_FILE)
    if (compiled.error) return { ok: false, error: compiled.error }
    const source = ctx.newString(handlerSource(code))
    const sealed = ctx.callFunction(this.#seal, ctx.undefined, [compiled.value, source])
    source.dispose()
    if (sealed.error) {
      compiled.value.dispose()
      return { ok: false, error: sealed.error }
    }
    const ok = ctx.dump(sealed.value) === true
    sealed.value.dispose()
    if (!ok) {
      compiled.value.dispose()
      return { ok: false, error: 'escaped' }
    }
    this.#cache.set(code, compiled.value)
    if (this.#cache.size > CACHE_SIZE) {
      const [oldest, handle] = this.#cache.entries().next().value as [string, QuickJSHandle]
      this.#cache.delete(oldest)
      handle.dispose()
    }
    return { ok: true, handle: compiled.value }
  }

  begin(hooks: RunHooks): void {
    this.#hooks = hooks
  }

  end(): void {
    this.#hooks = undefined
  }

  /** True when the last run left nothing behind: no new globals, no eval, no escaped wrapper. */
  clean(): boolean {
    const ctx = this.context
    const result = ctx.callFunction(this.#clean, ctx.undefined)
    if (result.error) {
      result.error.dispose()
      return false
    }
    const ok = ctx.getNumber(result.value) === 1
    result.value.dispose()
    return ok
  }

  /** Disposes every handle, then the context; throws when the engine is corrupt (the caller abandons it). */
  dispose(): void {
    for (const handle of this.#cache.values()) if (handle.alive) handle.dispose()
    this.#cache.clear()
    for (const handle of this.#handles) if (handle.alive) handle.dispose()
    this.context.dispose()
  }

  #failBoot(error: QuickJSHandle): { ok: false; warm: WarmContext; error: QuickJSHandle } {
    return { ok: false, warm: this, error }
  }

  #own(handle: QuickJSHandle): QuickJSHandle {
    this.#handles.push(handle)
    return handle
  }

  /** A guest-callable function taking string arguments; problems become guest exceptions, never host ones. */
  #stringFunction(name: string, impl: (hooks: RunHooks, args: string[]) => string | undefined): QuickJSHandle {
    const ctx = this.context
    return ctx.newFunction(name, (...handles) => {
      try {
        const hooks = this.#hooks
        if (!hooks) return { error: ctx.newError(`${name} is not available outside a run`) }
        const args: string[] = []
        for (const handle of handles) {
          if (ctx.typeof(handle) !== 'string') return { error: ctx.newError(`${name} takes string arguments`) }
          args.push(ctx.getString(handle))
        }
        const problem = impl(hooks, args)
        return problem === undefined ? undefined : { error: ctx.newError(problem) }
      } catch {
        return { error: ctx.newError(`${name} failed in the sandbox host`) }
      }
    })
  }

  /** `hostCall(kind, target, method, argsJson)`: checks the session, sends the call, returns a guest promise. */
  #hostCallFunction(): QuickJSHandle {
    const ctx = this.context
    return ctx.newFunction('hostCall', (...handles) => {
      try {
        const hooks = this.#hooks
        if (!hooks) return { error: ctx.newError('hostCall is not available outside a run') }
        if (handles.length !== 4 || handles.some((h) => ctx.typeof(h) !== 'string')) {
          return { error: ctx.newError('hostCall takes string arguments') }
        }
        const [kind, target, method, argsJson] = handles.map((h) => ctx.getString(h)) as [
          string,
          string,
          string,
          string,
        ]
        if (kind !== 'ext' && kind !== 'panel') return { error: ctx.newError('unknown host call') }
        const args = JSON.parse(argsJson) as Json[]
        const problem = hooks.session.hostCall(kind, target, args)
        if (problem !== undefined) return { error: ctx.newError(problem) }
        const deferred = ctx.newPromise()
        const callId = hooks.session.hostCalls
        hooks.calls.set(callId, deferred)
        hooks.channel.call(callId, kind, target, method, args)
        return deferred.handle
      } catch {
        return { error: ctx.newError('hostCall failed in the sandbox host') }
      }
    })
  }
}
