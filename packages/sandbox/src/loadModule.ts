import RELEASE_SYNC from '@jitl/quickjs-wasmfile-release-sync'
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten'
import type { QuickJSWASMModule } from 'quickjs-emscripten'
import { MODULE_MEMORY_PAGES } from './limits.ts'

/** A QuickJS module and the WASM memory it lives in. */
export interface LoadedModule {
  module: QuickJSWASMModule
  memory: WebAssembly.Memory
}

/**
 * Instantiates a fresh QuickJS WASM module inside an imported, capped memory (~7 ms here). The prebuilt
 * variants ignore `setMemoryLimit` for large allocations; the capped memory is what stops bombs.
 */
export async function loadModule(): Promise<LoadedModule> {
  const memory = new WebAssembly.Memory({ ...MODULE_MEMORY_PAGES })
  const module = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: memory }))
  return { module, memory }
}
