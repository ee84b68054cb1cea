import { MAX_TIER0_CODE, parseTier0, type Json, type JsonObject, type Tier0Program } from '@nexus/protocol'
import type { SandboxLimits } from '../limits.ts'
import { checkOps, readOutput, sizeError } from '../readOutput.ts'
import type { HandlerRun, RunOutcome } from '../types.ts'
import { Baseline } from '../worker/Baseline.ts'
import { copyJson } from './copyJson.ts'
import type { CopyMeter } from './copyJson.ts'
import { BAIL, evaluateTier0, isJsonPrimitive } from './evaluateTier0.ts'

/** Parsed programs (and "not tier 0" answers) kept by code text; the least recently used is dropped. */
const CACHE_SIZE = 256
/** Below this stack limit QuickJS may overflow where tier 0 would not (measured: 2 KiB runs a counter). */
export const TIER0_MIN_STACK_BYTES = 64 * 1024
/**
 * Size budget, in characters of input JSON plus strings built or copied, per byte of `limits.memoryBytes`
 * and per ms of `limits.timeoutMs`. QuickJS needed at most ~6 bytes of its memory limit per character of
 * parsed input JSON here, and a whole QuickJS run gets through ~11 000 characters of state per ms: within
 * these budgets QuickJS cannot run out of memory or time on a run tier 0 completes, so both agree.
 */
const BYTES_PER_CHAR = 64
const CHARS_PER_MS = 2_000

/**
 * Tier 0: handlers in a tiny, always-terminating subset (protocol's handler/tier0/parse.ts, `tier0Subset`) run on the calling thread by a host
 * interpreter, with the same inputs (JSON copies of the readable state, `$args`, `$computed`) and the same
 * output checks (readOutput: size, shape, diff, maxOps, `state:write`) as a QuickJS run. Whenever it cannot
 * vouch for QuickJS's answer — a runtime error, a coercion it does not model, a budget — it returns
 * undefined before anything is committed, and the caller runs the request in QuickJS instead.
 *
 * A bail is tier 0 declining on purpose (it threw {@link BAIL}, or a budget said no). Any other exception is a
 * **surprise** — an inconsistency in tier 0 itself or an input it does not model — and is counted apart
 * (`surprises`, the last one kept in `lastSurprise`): the run still goes to QuickJS, so callers see the right
 * answer, but the property test fails on any surprise, so tier 0's own bugs cannot pass for bails.
 */
export class Tier0 {
  /** Runs answered here; runs tier 0 declined (bails) and runs it failed on (surprises), both sent to QuickJS. */
  runs = 0
  bails = 0
  surprises = 0
  /** The exception of the last surprise, for diagnosis. */
  lastSurprise: unknown = undefined
  readonly #cache = new Map<string, Tier0Program | null>()
  #last: string | undefined

  /** The parsed program for `code`, or undefined when it is not in the subset. Cached. */
  program(code: string): Tier0Program | undefined {
    if (code.length > MAX_TIER0_CODE) return undefined // never hashed: long handlers skip the cache entirely
    const cached = this.#cache.get(code)
    if (cached !== undefined) {
      if (code !== this.#last) {
        this.#cache.delete(code)
        this.#cache.set(code, cached)
        this.#last = code
      }
      return cached ?? undefined
    }
    const parsed = parseTier0(code) ?? null
    this.#cache.set(code, parsed)
    this.#last = code
    if (this.#cache.size > CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!)
    return parsed ?? undefined
  }

  /** The run's outcome, exactly as QuickJS would report it, or undefined to run it in QuickJS. */
  run(req: HandlerRun, limits: SandboxLimits, seed: number, now: number): RunOutcome | undefined {
    const started = performance.now()
    let outcome: RunOutcome | undefined
    try {
      const program = this.program(req.code)
      if (!program || limits.stackBytes < TIER0_MIN_STACK_BYTES) return undefined
      outcome = execute(program, req, limits, seed, now, started)
    } catch (error) {
      // Nothing was committed, QuickJS answers instead; only a deliberate BAIL counts as a bail.
      if (error !== BAIL) {
        this.surprises++
        this.lastSurprise = error
        return undefined
      }
      outcome = undefined
    }
    if (outcome) this.runs++
    else this.bails++
    return outcome
  }
}

function execute(
  program: Tier0Program,
  req: HandlerRun,
  limits: SandboxLimits,
  seed: number,
  now: number,
  started: number,
): RunOutcome | undefined {
  const budget = Math.min(limits.memoryBytes / BYTES_PER_CHAR, limits.timeoutMs * CHARS_PER_MS)
  const baseline = new Baseline(req.state, req.capabilities)
  // What the guest gets: JSON copies of the readable state, `$args` and `$computed` (deep-frozen like the
  // guest's when the program may store them). All three are copied, used or not, to check their size and
  // depth: QuickJS parses (and freezes) them all.
  const meter: CopyMeter = { left: budget, bound: 0 }
  const guestState = copyJson(baseline.visible, false, meter) as JsonObject
  const stateBound = meter.bound
  const args = copyJson(req.args, program.placesInputs, meter)
  const computed = copyJson(req.computed ?? {}, program.placesInputs, meter)
  const evaluation = evaluateTier0(program, guestState, args, computed, meter.left)
  const returned = evaluation.returned
  let output: ReturnType<typeof readOutput>
  const plainReturn = returned === undefined || isJsonPrimitive(returned)
  if (!evaluation.aliased && !evaluation.unjson && plainReturn) {
    // Already what JSON.parse would give back: the input is a JSON copy, every stored value is a JSON
    // primitive or a fresh literal of them, nothing is shared, no forbidden key, nesting ≤ 64 + 32 (< 256).
    // Sizes are measured as readOutput does, unless bounded well under the limit (UTF-8 ≤ 3 × UTF-16 units).
    const max = limits.maxOutputBytes / 3
    const returnText = typeof returned === 'string' || max < 24 ? serialise(returned) : undefined
    const tooLarge =
      (stateBound + evaluation.grown <= max ? undefined : sizeError(JSON.stringify(guestState), '$state', limits)) ??
      (returnText === undefined ? undefined : sizeError(returnText, 'the return value', limits))
    if (tooLarge) return { ok: false, error: tooLarge.toFailure([]) }
    output = checkOps(guestState, (returned ?? null) as Json, baseline.visible, req.capabilities, limits)
  } else {
    if (evaluation.aliased && outputSize([guestState, returned], budget) > budget) return undefined
    output = readOutput(`${serialise(guestState)}\n${serialise(returned)}`, baseline.visible, req.capabilities, limits)
  }
  if (!output.ok) return { ok: false, error: output.error.toFailure([]) }
  const { ops, returnValue } = output.value
  const state = baseline.fullAfter(output.value.state, ops)
  // Same fields in the same order as a QuickJS run's result (an object spread here cost ~2.5 µs).
  const value = { ops, state, logs: [], events: [], view: [], returnValue, flushes: 0, seed, now, durationMs: 0 }
  value.durationMs = performance.now() - started
  return { ok: true, value }
}

/** What the guest prelude's `serialise` produces: `undefined` (and functions) become `null`. */
function serialise(value: unknown): string {
  return value === undefined ? 'null' : (JSON.stringify(value) ?? 'null')
}

/**
 * An upper bound on the JSON length of `roots` (worst-case escapes, longest numbers), walking shared objects
 * once per reference; stops past `limit` (which also ends a cycle).
 */
function outputSize(roots: unknown[], limit: number): number {
  const todo = [...roots]
  let size = 0
  while (todo.length > 0 && size <= limit) {
    const value = todo.pop()
    if (typeof value === 'string') size += 6 * value.length + 2
    else if (typeof value === 'number') size += 24
    else if (typeof value !== 'object' || value === null) size += 5
    else {
      size += 2
      for (const [key, child] of Object.entries(value)) {
        size += 6 * key.length + 4
        todo.push(child)
      }
    }
  }
  return size
}
