import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import RELEASE_SYNC from '@jitl/quickjs-wasmfile-release-sync'
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten'
import type { QuickJSWASMModule } from 'quickjs-emscripten'
import { MODULE_MEMORY_BYTES, MODULE_MEMORY_PAGES, WASM_PAGE } from './limits.ts'

/** A QuickJS module, the WASM memory it lives in, and how far that memory may grow right now. */
export interface LoadedModule {
  module: QuickJSWASMModule
  memory: WebAssembly.Memory
  /**
   * Bytes `memory` may grow to (at most {@link MODULE_MEMORY_BYTES}); a run sets it from `limits.memoryBytes`.
   * Growth past it fails, and QuickJS's allocator reports that as out of memory.
   */
  growLimit: { bytes: number }
}

/** The QuickJS binary, compiled once per thread: a reload after a memory bomb only instantiates it (~1 ms). */
let compiled: Promise<WebAssembly.Module> | undefined

/**
 * Instantiates a fresh QuickJS WASM module inside an imported, capped memory. The prebuilt variants count
 * allocations, not bytes, against `setMemoryLimit` (no `malloc_usable_size` in this build), so large
 * allocations pass it; the memory's growth limit is what stops bombs, at the run's own `memoryBytes`.
 */
export async function loadModule(): Promise<LoadedModule> {
  const memory = new WebAssembly.Memory({ ...MODULE_MEMORY_PAGES })
  const growLimit = { bytes: MODULE_MEMORY_BYTES }
  const grow = memory.grow.bind(memory)
  // Emscripten's heap resize calls memory.grow and treats a throw as "no more memory" (malloc returns NULL).
  memory.grow = (delta: number): number => {
    if (memory.buffer.byteLength + delta * WASM_PAGE > growLimit.bytes) throw new RangeError('sandbox memory limit')
    return grow(delta)
  }
  compiled ??= compileQuickJs()
  const wasmModule = await compiled
  const module = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: memory, wasmModule }))
  return { module, memory, growLimit }
}

async function compileQuickJs(): Promise<WebAssembly.Module> {
  const path = createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm')
  return WebAssembly.compile(await readFile(path))
}
