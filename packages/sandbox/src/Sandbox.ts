import { SandboxDisposedError } from './errors.ts'
import { DEFAULT_LIMITS, resolveLimits } from './limits.ts'
import type { SandboxLimits } from './limits.ts'
import { WorkerPool } from './pool/WorkerPool.ts'
import type { HandlerRun, RunOutcome } from './types.ts'
import { validateRun } from './validateRun.ts'

export interface SandboxOptions {
  limits?: Partial<SandboxLimits>
  /** Worker threads in the pool (default: min(2, available cores)). */
  workers?: number
}

/**
 * Runs NXML handlers in QuickJS-in-WASM under capabilities and limits, in a pool of worker threads with
 * a watchdog (pool/WorkerPool.ts). Each worker holds one capped WASM module; every run gets a fresh
 * context. Concurrent `run()` calls are queued onto free workers.
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
  #nextId = 1
  #disposed = false

  private constructor(limits: SandboxLimits, workers: number | undefined) {
    this.limits = limits
    this.#pool = new WorkerPool(workers)
  }

  static async create(options: SandboxOptions = {}): Promise<Sandbox> {
    const sandbox = new Sandbox(resolveLimits(DEFAULT_LIMITS, options.limits), options.workers)
    await sandbox.#pool.ready()
    return sandbox
  }

  /** Workers replaced so far after a watchdog kill or a worker crash. */
  get replacedWorkers(): number {
    return this.#pool.replaced
  }

  /** Runs one handler; expected failures (limits, capabilities, guest errors) are values, never throws. */
  async run(req: HandlerRun): Promise<RunOutcome> {
    if (this.#disposed) throw new SandboxDisposedError()
    validateRun(req)
    const limits = resolveLimits(this.limits, req.limits)
    return this.#pool.run(
      {
        id: this.#nextId++,
        code: req.code,
        line: req.line ?? 1,
        state: req.state,
        args: req.args,
        computed: req.computed ?? {},
        capabilities: req.capabilities,
        seed: req.seed === undefined ? defaultSeed() : req.seed >>> 0,
        now: req.now ?? Date.now(),
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
