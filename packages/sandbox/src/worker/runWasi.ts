import { init, WASI } from '@wasmer/wasi'
import { handlerError, memoryError, outputLimitError, timeoutError } from '../errors.ts'
import type { SandboxError } from '../errors.ts'
import { MODULE_MEMORY_PAGES } from '../limits.ts'
import type { WorkerRun } from '../pool/messages.ts'
import { readOutput } from '../readOutput.ts'
import { RunSession } from '../RunSession.ts'
import type { LogEntry, RunOutcome } from '../types.ts'
import { Baseline } from './Baseline.ts'

const WASM_PAGE = 64 * 1024
/** Pages the imported memory starts with (a module's declared minimum must not be above this). */
const INITIAL_PAGES = 16
const ALLOWED_IMPORT = /^wasi_snapshot_preview1$/

let ready: Promise<void> | undefined

class OutputLimit extends Error {}

/**
 * Runs a WASI command module (`HandlerRun.wasi`) in this worker: the readable state as JSON on stdin, the
 * args as JSON in `argv[1]`; stdout is the new state's JSON, optionally followed by a newline and the return
 * value's JSON; stderr lines become `info` logs. The module must import its memory as `env.memory` (it gets a
 * `WebAssembly.Memory` with a maximum of `limits.memoryBytes`, at most the 64 MiB module cap) and may import
 * only `wasi_snapshot_preview1`; no files, no clock beyond WASI's, no network. The deadline is the pool's
 * watchdog (WASM cannot be interrupted from inside); the output is checked exactly like QuickJS output.
 */
export async function runWasi(run: WorkerRun, bytes: Uint8Array, log: (entry: LogEntry) => void): Promise<RunOutcome> {
  const started = performance.now()
  const session = new RunSession(run.capabilities, run.limits, log)
  const fail = (error: SandboxError): RunOutcome => ({ ok: false, error: error.toFailure(session.logs()) })
  ready ??= init()
  await ready
  let module: WebAssembly.Module
  try {
    module = await WebAssembly.compile(bytes.slice())
  } catch (error) {
    return fail(handlerError(`the WASI handler is not a valid WebAssembly module (${messageOf(error)})`))
  }
  const problem = importProblem(module)
  if (problem) return fail(handlerError(problem))
  const maximum = Math.max(1, Math.min(MODULE_MEMORY_PAGES.maximum, Math.floor(run.limits.memoryBytes / WASM_PAGE)))
  const memory = new WebAssembly.Memory({ initial: Math.min(INITIAL_PAGES, maximum), maximum })
  const baseline = new Baseline(run.state, run.capabilities)
  const wasi = new WASI({ args: ['handler', JSON.stringify(run.args)], env: {} })
  try {
    const instance = await WebAssembly.instantiate(module, {
      ...boundedImports(wasi, module, memory, run),
      env: { memory },
    })
    wasi.instantiate(instance, {})
    wasi.setStdinString(JSON.stringify(baseline.visible))
    let exit: number
    try {
      exit = wasi.start(instance)
    } catch (error) {
      if (error instanceof OutputLimit) {
        return fail(
          outputLimitError(`the WASI handler wrote more than limits.maxOutputBytes (${run.limits.maxOutputBytes})`),
        )
      }
      if (memory.buffer.byteLength >= maximum * WASM_PAGE) return fail(memoryError(run.limits.memoryBytes))
      return fail(handlerError(`the WASI handler trapped: ${messageOf(error)}`))
    }
    for (const line of wasi.getStderrString().split('\n')) if (line !== '') session.log('info', line)
    if (performance.now() - started > run.limits.timeoutMs) return fail(timeoutError(run.limits.timeoutMs))
    if (exit !== 0) return fail(handlerError(`the WASI handler exited with code ${exit}`))
    const output = readOutput(wasi.getStdoutString().trimEnd(), baseline.visible, run.capabilities, run.limits)
    if (!output.ok) return fail(output.error)
    const { ops, returnValue } = output.value
    const state = baseline.fullAfter(output.value.state, ops)
    const logs = session.logs()
    const { seed, now } = run
    const value = { ops, state, logs, events: [], view: [], returnValue, flushes: 0, seed, now, durationMs: 0 }
    value.durationMs = performance.now() - started
    return { ok: true, value }
  } catch (error) {
    return fail(handlerError(`the WASI handler could not be started (${messageOf(error)})`))
  } finally {
    wasi.free()
  }
}

/** Why the module's imports are refused, or undefined: only `env.memory` and WASI preview 1 functions. */
function importProblem(module: WebAssembly.Module): string | undefined {
  let memory = false
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.module === 'env' && entry.name === 'memory' && entry.kind === 'memory') memory = true
    else if (!ALLOWED_IMPORT.test(entry.module) || entry.kind !== 'function') {
      return `the WASI handler imports ${entry.module}.${entry.name}; only wasi_snapshot_preview1 functions and env.memory are available`
    }
  }
  if (!memory) {
    return 'the WASI handler must import its memory as env.memory (link with --import-memory), so the sandbox can cap it'
  }
  return undefined
}

/** WASI imports with fd_write counting bytes: more than maxOutputBytes (stdout + stderr) traps the module. */
function boundedImports(
  wasi: WASI,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  run: WorkerRun,
): Record<string, Record<string, unknown>> {
  const imports = wasi.getImports(module) as Record<string, Record<string, unknown>>
  const preview1 = { ...imports.wasi_snapshot_preview1 }
  const fdWrite = preview1.fd_write as (fd: number, iovs: number, count: number, written: number) => number
  let total = 0
  preview1.fd_write = (fd: number, iovs: number, count: number, written: number): number => {
    const view = new DataView(memory.buffer)
    for (let i = 0; i < count && iovs + i * 8 + 8 <= view.byteLength; i++)
      total += view.getUint32(iovs + i * 8 + 4, true)
    if (total > run.limits.maxOutputBytes) throw new OutputLimit()
    return fdWrite(fd, iovs, count, written)
  }
  return { ...imports, wasi_snapshot_preview1: preview1 }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
