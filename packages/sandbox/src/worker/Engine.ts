import type { QuickJSRuntime } from 'quickjs-emscripten'
import { loadModule } from '../loadModule.ts'
import type { LoadedModule } from '../loadModule.ts'
import type { WarmContext } from '../WarmContext.ts'

/** What a run borrows from the engine. */
export interface EngineLease {
  runtime: QuickJSRuntime
  memory: WebAssembly.Memory
  /** How far `memory` may grow (a run sets it from its limits and puts the module cap back when done). */
  growLimit: { bytes: number }
  /** The context kept from the last clean run, if any. */
  warm: WarmContext | undefined
}

/**
 * One worker's QuickJS module (in its capped 64 MiB memory), one reusable runtime and one warm context.
 * The context is kept only after a clean run ({@link keep}); any other outcome disposes it, a fatal limit
 * also the runtime, and memory exhaustion or a host-side crash the whole module.
 */
export class Engine {
  #loaded: LoadedModule | undefined
  #runtime: QuickJSRuntime | undefined
  #warm: WarmContext | undefined

  async module(): Promise<LoadedModule> {
    this.#loaded ??= await loadModule()
    return this.#loaded
  }

  /** The runtime and the warm context; the context is handed over (the caller gives it back with keep()). */
  async lease(): Promise<EngineLease> {
    const loaded = await this.module()
    this.#runtime ??= loaded.module.newRuntime()
    const warm = this.#warm
    this.#warm = undefined
    return { runtime: this.#runtime, memory: loaded.memory, growLimit: loaded.growLimit, warm }
  }

  /** After a clean run: keep its context (and the runtime) for the next run. */
  keep(warm: WarmContext): void {
    this.#warm = warm
  }

  /** After a run that was not clean but not fatal: dispose its context, keep the runtime if it is idle. */
  discard(warm: WarmContext | undefined): void {
    if (!this.#disposeContext(warm)) return
    const runtime = this.#runtime
    if (runtime?.hasPendingJob()) this.dropRuntime()
  }

  /** After a timeout or stack overflow QuickJS caught: dispose the context and the runtime, keep the module. */
  dropRuntime(warm?: WarmContext): void {
    if (!this.#disposeContext(warm)) return
    const runtime = this.#runtime
    this.#runtime = undefined
    if (runtime) this.#disposeRuntime(runtime)
  }

  /** After memory exhaustion: dispose everything and drop the module (the memory goes back to the host). */
  retire(warm?: WarmContext): void {
    this.dropRuntime(warm)
    this.#loaded = undefined
  }

  /** After a host-side engine crash: never touch the runtime again, drop the module. */
  abandon(): void {
    this.#warm = undefined
    this.#runtime = undefined
    this.#loaded = undefined
  }

  /**
   * Loads a module (after a retired one) and boots a warm context ahead of the next run (idle time only), so
   * neither costs that run anything.
   */
  async prewarm(boot: (runtime: QuickJSRuntime) => WarmContext | undefined): Promise<void> {
    if (this.#warm) return
    const loaded = await this.module()
    if (this.#warm || this.#loaded !== loaded) return
    this.#runtime ??= loaded.module.newRuntime()
    this.#warm = boot(this.#runtime)
  }

  /** Disposes `warm`; false (and the module abandoned) when the engine turned out to be corrupt. */
  #disposeContext(warm: WarmContext | undefined): boolean {
    if (!warm) return true
    try {
      warm.dispose()
      return true
    } catch {
      this.abandon()
      return false
    }
  }

  #disposeRuntime(runtime: QuickJSRuntime): void {
    try {
      runtime.dispose()
    } catch {
      this.#loaded = undefined
    }
  }
}
