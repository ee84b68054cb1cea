import { SandboxConfigError } from './errors.ts'

export interface SandboxLimits {
  /** Wall-clock deadline of one run, in ms. */
  timeoutMs: number
  /**
   * Memory of one run: the most the worker's WASM memory may grow to while it runs ({@link moduleGrowLimit}:
   * at least the 16 MiB a module starts with, at most {@link MODULE_MEMORY_BYTES}), and QuickJS's own
   * per-allocation check (`setMemoryLimit`).
   */
  memoryBytes: number
  /** Guest stack limit; at most {@link MAX_STACK_BYTES}. */
  stackBytes: number
  /** Most state operations (and emitted events) one run may produce. */
  maxOps: number
  /** Most log entries one run keeps. */
  maxLogs: number
  /** Largest resulting state, return value and total event payload, as UTF-8 JSON bytes. */
  maxOutputBytes: number
  /** Most host calls (`$ext`, `$panel.call`) one run may make. */
  maxHostCalls: number
  /** Most emitted events plus `$view` commands one run may record. */
  maxEvents: number
}

export const DEFAULT_LIMITS: SandboxLimits = Object.freeze({
  timeoutMs: 1000,
  memoryBytes: 32 * 1024 * 1024,
  stackBytes: 256 * 1024,
  maxOps: 10_000,
  maxLogs: 200,
  maxOutputBytes: 1024 * 1024,
  maxHostCalls: 64,
  maxEvents: 1_000,
})

/** How long past its deadline a run may keep its worker before the watchdog terminates and replaces it. */
export const WATCHDOG_GRACE_MS = 250

export const WASM_PAGE = 64 * 1024
/** Initial and maximum WASM pages of one module: 16 MiB growing to a hard 64 MiB cap. */
export const MODULE_MEMORY_PAGES = { initial: 256, maximum: 1024 } as const
export const MODULE_MEMORY_BYTES = MODULE_MEMORY_PAGES.maximum * WASM_PAGE
const MODULE_INITIAL_BYTES = MODULE_MEMORY_PAGES.initial * WASM_PAGE

/**
 * How far a run may grow its module's WASM memory: `memoryBytes` in all (the engine's own footprint counts, as
 * in a V8 isolate's heap limit), never below the 16 MiB a module starts with nor above the 64 MiB cap.
 */
export function moduleGrowLimit(limits: SandboxLimits): number {
  return Math.min(MODULE_MEMORY_BYTES, Math.max(MODULE_INITIAL_BYTES, limits.memoryBytes))
}
/** Above ~512 KiB, deep guest recursion overflows the host stack before QuickJS notices (measured). */
export const MAX_STACK_BYTES = 256 * 1024

/** Merges partial limits over `base`, refusing values that would disable or break a limit. */
export function resolveLimits(base: SandboxLimits, patch: Partial<SandboxLimits> | undefined): SandboxLimits {
  const limits = { ...base, ...dropUndefined(patch ?? {}) }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new SandboxConfigError(`limits.${name} must be a positive finite number, got ${String(value)}`)
    }
  }
  if (limits.stackBytes > MAX_STACK_BYTES) {
    throw new SandboxConfigError(
      `limits.stackBytes ${limits.stackBytes} is above ${MAX_STACK_BYTES}: deeper guest stacks overflow the host stack; keep it at or below ${MAX_STACK_BYTES}`,
    )
  }
  return limits
}

function dropUndefined(patch: Partial<SandboxLimits>): Partial<SandboxLimits> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
}
