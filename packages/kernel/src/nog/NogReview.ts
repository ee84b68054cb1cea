import type { SQL } from 'drizzle-orm'
import { KernelError, notFound } from '../errors.ts'
import { DEFAULT_LIMIT } from './NogQueries.ts'
import type { NogWriter } from './NogWriter.ts'
import type { CreatePatch, NogPatch, PatchStatus } from './types.ts'

/**
 * Review of patches: a `user` patch applies at once; `ai` and `sync` proposals wait `pending` until approved
 * (then `applied`, or `failed` with the reason), rejected, or expired after `patchTtlMs`. Every step runs in
 * the workspace's write queue, so a review never interleaves with another write.
 */
export class NogReview {
  constructor(
    private readonly writer: NogWriter,
    private readonly newId: () => string,
    private readonly patchTtlMs: number,
  ) {}

  /**
   * Records a patch. A `user` patch applies at once (status `applied`, or `failed` with the reason);
   * `ai` and `sync` proposals stay `pending` until approved, rejected or expired.
   */
  async submitPatch(workspaceId: string, input: CreatePatch, author: string | null): Promise<NogPatch> {
    return this.writer.inQueue(workspaceId, async () => {
      const now = this.writer.clock()
      const current = await this.writer.repo.graphVersion(workspaceId)
      const patch: NogPatch = {
        id: this.newId(),
        workspaceId,
        status: 'pending',
        source: input.source,
        author,
        summary: input.summary,
        baseVersion: input.baseVersion ?? current,
        ops: input.ops,
        reason: null,
        reviewedBy: null,
        appliedVersion: null,
        createdAt: now,
        updatedAt: now,
        expiresAt: now + this.patchTtlMs,
      }
      if (input.source !== 'user') {
        await this.writer.repo.run(this.writer.repo.insertPatch(patch))
        return patch
      }
      patch.reviewedBy = author
      return this.applyPatch(patch, (p) => this.writer.repo.insertPatch(p))
    })
  }

  /** Approves a pending proposal and applies it: the result is `applied`, or `failed` with the reason. */
  async approvePatch(workspaceId: string, id: string, reviewer: string): Promise<NogPatch> {
    return this.writer.inQueue(workspaceId, async () => {
      const patch = await this.pendingPatch(workspaceId, id, 'approve')
      const approved: NogPatch = { ...patch, status: 'approved', reviewedBy: reviewer, updatedAt: this.writer.clock() }
      if ((await this.writer.repo.run(this.writer.repo.updatePatch(approved, 'pending'))) !== 1)
        throw notPending(id, 'changed')
      return this.applyPatch(approved, (p) => this.writer.repo.updatePatch(p, 'approved'))
    })
  }

  async rejectPatch(workspaceId: string, id: string, reviewer: string, reason: string): Promise<NogPatch> {
    return this.writer.inQueue(workspaceId, async () => {
      const patch = await this.pendingPatch(workspaceId, id, 'reject')
      const rejected: NogPatch = {
        ...patch,
        status: 'rejected',
        reason: reason || null,
        reviewedBy: reviewer,
        updatedAt: this.writer.clock(),
      }
      if ((await this.writer.repo.run(this.writer.repo.updatePatch(rejected, 'pending'))) !== 1)
        throw notPending(id, 'changed')
      return rejected
    })
  }

  async getPatch(workspaceId: string, id: string): Promise<NogPatch> {
    await this.writer.repo.expire(this.writer.clock(), workspaceId)
    const patch = await this.writer.repo.patch(workspaceId, id)
    if (!patch) throw notFound(`Patch "${id}"`)
    return patch
  }

  async listPatches(workspaceId: string, status?: PatchStatus, limit = DEFAULT_LIMIT): Promise<NogPatch[]> {
    await this.writer.repo.expire(this.writer.clock(), workspaceId)
    return this.writer.repo.listPatches(workspaceId, status, Math.min(limit, 1000))
  }

  /** Expires every pending proposal past its time, in all workspaces (run it on a timer); returns how many. */
  async expirePatches(): Promise<number> {
    return this.writer.repo.expire(this.writer.clock())
  }

  private async pendingPatch(workspaceId: string, id: string, action: string): Promise<NogPatch> {
    const patch = await this.getPatch(workspaceId, id)
    if (patch.status !== 'pending') throw notPending(id, patch.status, action)
    return patch
  }

  /** Plans and commits `patch`; `record` writes its final row (applied in the same transaction, or failed). */
  private async applyPatch(patch: NogPatch, record: (p: NogPatch) => SQL): Promise<NogPatch> {
    const source = patch.source === 'ai' ? 'ai' : 'user'
    const planned = await this.writer.plan(patch.workspaceId, patch.ops, patch.baseVersion, source)
    const now = this.writer.clock()
    if (!planned.ok) {
      const failed: NogPatch = { ...patch, status: 'failed', reason: planned.error.message, updatedAt: now }
      await this.writer.repo.run(record(failed))
      return failed
    }
    const version = planned.writes.length > 0 ? planned.previous + 1 : planned.previous
    const applied: NogPatch = { ...patch, status: 'applied', appliedVersion: version, updatedAt: now }
    await this.writer.commit(patch.workspaceId, planned.writes, planned.previous, planned.rebased, [record(applied)])
    return applied
  }
}

function notPending(id: string, status: string, action = 'review'): KernelError {
  return new KernelError(
    'PATCH_NOT_PENDING',
    `Patch "${id}" is ${status}; only pending patches can be ${action === 'approve' ? 'approved' : action === 'reject' ? 'rejected' : 'reviewed'}`,
    409,
  )
}
