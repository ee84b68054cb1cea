import { SandboxDisposedError } from './errors.ts'
import { DEFAULT_LIMITS, resolveLimits } from './limits.ts'
import type { SandboxLimits } from './limits.ts'
import { WorkerPool } from './pool/WorkerPool.ts'
import { Tier0 } from './tier0/Tier0.ts'
import type { HandlerRun, RunOutcome } from './types.ts'
import { validateRun } from './validateRun.ts'

export interface SandboxOptions {
  limits?: Partial<SandboxLimits>
  /** Worker threads in the pool (default: min(2, available cores)). */
  workers?: number
  /**
   * Run handlers in the tier-0 subset (plain `$state` assignments and arithmetic, no calls or loops; see
   * `tier0Subset` in @nexus/protocol) on the calling thread instead of QuickJS, with identical results (default true).
   */
  tier0?: boolean
}

/**
 * Runs NXML handlers in QuickJS-in-WASM under capabilities and limits, in a pool of worker threads with
 * a watchdog (pool/WorkerPool.ts). Each worker holds one capped WASM module and a reused, locked-down
 * context. Concurrent `run()` calls are queued onto free workers. Handlers in the tier-0 subset (simple
 * `$state` assignments and arithmetic) are answered on the calling thread instead (tier0/Tier0.ts), with
 * the result QuickJS would give.
 *
 * @example
 * const sandbox = await Sandbox.create()
 * const out = await sandbox.run({ code: '$state.count += $args.step', state: { count: 0 }, args: { step: 1 },
 *   capabilities: ['state:write:count'] })
 * // out.ok && out.value.ops → [{ op: 'replace', path: '/count', value: 1 }]
 */
export class Sandbox {
  readonly limits: SandboxLimits
  readonly #pool: WorkerPool
  readonly #tier0: Tier0 | undefined
  #nextId = 1
  #disposed = false

  private constructor(limits: SandboxLimits, options: SandboxOptions) {
    this.limits = limits
    this.#pool = new WorkerPool(options.workers)
    this.#tier0 = options.tier0 === false ? undefined : new Tier0()
  }

  static async create(options: SandboxOptions = {}): Promise<Sandbox> {
    const sandbox = new Sandbox(resolveLimits(DEFAULT_LIMITS, options.limits), options)
    await sandbox.#pool.ready()
    return sandbox
  }

  /** Workers replaced so far after a watchdog kill or a worker crash. */
  get replacedWorkers(): number {
    return this.#pool.replaced
  }

  /**
   * Runs answered by tier 0 so far; runs it declined and handed to QuickJS (bails: outside what it can vouch
   * for); and runs it failed on with an unexpected exception (surprises: a tier-0 bug or an input it does not
   * model, also answered by QuickJS, so only this counter shows them).
   */
  get tier0Stats(): { runs: number; bails: number; surprises: number } {
    const tier0 = this.#tier0
    return { runs: tier0?.runs ?? 0, bails: tier0?.bails ?? 0, surprises: tier0?.surprises ?? 0 }
  }

  /** Runs one handler; expected failures (limits, capabilities, guest errors) are values, never throws. */
  async run(req: HandlerRun): Promise<RunOutcome> {
    if (this.#disposed) throw new SandboxDisposedError()
    validateRun(req)
    const limits = req.limits === undefined ? this.limits : resolveLimits(this.limits, req.limits)
    const seed = req.seed === undefined ? defaultSeed() : req.seed >>> 0
    const now = req.now ?? Date.now()
    if (this.#tier0 && req.tier0 !== false && req.wasi === undefined) {
      const outcome = this.#tier0.run(req, limits, seed, now)
      if (outcome) return outcome
    }
    return this.#pool.run(
      {
        id: this.#nextId++,
        code: req.code,
        line: req.line ?? 1,
        state: req.state,
        args: req.args,
        computed: req.computed ?? {},
        capabilities: req.capabilities,
        seed,
        now,
        limits,
        flush: req.host?.onFlush !== undefined,
        ...(req.wasi ? { wasi: req.wasi.module } : {}),
      },
      req.host,
    )
  }

  /** Terminates the workers; later `run()` calls reject with SandboxDisposedError. Safe without `await`. */
  dispose(): Promise<void> {
    this.#disposed = true
    return this.#pool.dispose()
  }
}

function defaultSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x1_0000_0000)) >>> 0
}
