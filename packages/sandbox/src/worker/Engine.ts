import type { QuickJSRuntime } from 'quickjs-emscripten'
import { loadModule } from '../loadModule.ts'
import type { LoadedModule } from '../loadModule.ts'

/**
 * One worker's QuickJS module (in its capped 64 MiB memory) and one reusable runtime. A runtime is reused
 * only after a run that ended cleanly with no jobs left behind (each run still gets a fresh context, so no
 * guest-visible object survives); anything else retires it, and a crash or fatal limit retires the module.
 */
export class Engine {
  #loaded: LoadedModule | undefined
  #runtime: QuickJSRuntime | undefined

  async module(): Promise<LoadedModule> {
    this.#loaded ??= await loadModule()
    return this.#loaded
  }

  async runtime(): Promise<{ runtime: QuickJSRuntime; memory: WebAssembly.Memory }> {
    const loaded = await this.module()
    this.#runtime ??= loaded.module.newRuntime()
    return { runtime: this.#runtime, memory: loaded.memory }
  }

  /** After a clean run: keep the runtime when it holds no leftover jobs, else dispose it. */
  release(): void {
    const runtime = this.#runtime
    if (!runtime) return
    if (!runtime.hasPendingJob()) return
    this.#runtime = undefined
    this.#disposeRuntime(runtime)
  }

  /** After a timeout or stack overflow QuickJS caught: dispose the runtime, keep the module. */
  dropRuntime(): void {
    const runtime = this.#runtime
    this.#runtime = undefined
    if (runtime) this.#disposeRuntime(runtime)
  }

  /** After memory exhaustion: dispose the runtime and drop the module (the memory goes back to the host). */
  retire(): void {
    const runtime = this.#runtime
    this.#runtime = undefined
    if (runtime) this.#disposeRuntime(runtime)
    this.#loaded = undefined
  }

  /** After a host-side engine crash: never touch the runtime again, drop the module. */
  abandon(): void {
    this.#runtime = undefined
    this.#loaded = undefined
  }

  #disposeRuntime(runtime: QuickJSRuntime): void {
    try {
      runtime.dispose()
    } catch {
      this.#loaded = undefined
    }
  }
}
