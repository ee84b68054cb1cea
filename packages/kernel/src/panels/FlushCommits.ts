import { context as otelContext } from '@opentelemetry/api'
import type { JsonObject, PanelAst, PatchOp } from '@nexus/protocol'
import { KernelError } from '../errors.ts'
import { findTypeViolation } from './stateTypes.ts'

/** Commits one flushed state as the panel's next version; `flush` counts the run's flushes from 1. */
export type FlushCommit = (state: JsonObject, ops: PatchOp[], flush: number) => Promise<unknown>

/**
 * The state a run flushes at each `await` on host I/O (the sandbox's `HostBridge.onFlush`), committed in
 * order as versions of their own while the guest waits, so subscribers see the progress. What is flushed
 * stands whatever the rest of the run does. A flushed state that breaks a declared type is not applied, nor is
 * anything after it: `settled()` answers that failure (or a commit's own, e.g. CONFLICT) and the run fails.
 */
export class FlushCommits {
  private tail: Promise<void> = Promise.resolve()
  private failure: KernelError | undefined
  private count = 0
  /** The run's trace context: the sandbox calls `add` in whatever context its worker's messages arrive in. */
  private readonly run = otelContext.active()

  /** Make it inside the run's span and `anchor` (its commits are recorded against the panel, in its trace). */
  constructor(
    private readonly ast: PanelAst,
    private readonly commit: FlushCommit,
  ) {}

  /** Called by the sandbox (synchronously, must not throw): queues the commit behind the previous ones. */
  add(ops: PatchOp[], state: JsonObject): void {
    this.tail = this.tail
      .then(async () => {
        if (this.failure) return
        const violation = findTypeViolation(this.ast.states, state)
        if (violation) {
          this.failure = new KernelError('STATE_INVALID', `${violation} at an await; it was not applied`, 422)
          return
        }
        const flush = ++this.count
        await otelContext.with(this.run, () => this.commit(state, ops, flush))
      })
      .catch((error: unknown) => {
        this.failure ??=
          error instanceof KernelError ? error : new KernelError('INTERNAL', `A flush failed: ${String(error)}`, 500)
      })
  }

  /** For the run's last change: how many flushes came before it (none: nothing to record). */
  recorded(): { flushes?: number } {
    return this.count > 0 ? { flushes: this.count } : {}
  }

  /** Once every flush so far is committed (or refused): the failure that ends the run, if any. */
  async settled(): Promise<KernelError | undefined> {
    await this.tail
    return this.failure
  }
}
