import type { Json, JsonObject, PanelAst, PatchOp } from '@nexus/protocol'
import type { Sandbox } from '@nexus/sandbox'
import { replayState, type TrilogStore } from '@nexus/trilog'
import { EDIT_TOOL } from '../db/PanelEditRepository.ts'
import { KernelError } from '../errors.ts'
import { BIND_TOOL } from './bindWrite.ts'
import { prepareRun } from './handlerRun.ts'

export interface ReplayOutcome {
  version: number
  tool: string
  /** Whether re-running the handler from its record gave exactly the recorded operations. */
  identical: boolean
  recorded: PatchOp[]
  replayed: PatchOp[] | null
  error?: { code: string; message: string }
}

/**
 * Re-executes the handler run that produced `version` from its TriLog record: the state before it, the same
 * arguments, seed and clock, the same handler code (refused when the code changed since).
 */
export async function replayChange(
  store: TrilogStore,
  sandbox: Sandbox,
  panelId: string,
  ast: PanelAst,
  version: number,
): Promise<ReplayOutcome> {
  const rows = await store.events('Panel', panelId)
  const change = rows.find((r) => r.kind === 'state_change' && r.seq === version)
  if (!change) throw new KernelError('NOT_FOUND', `TriLog has no change ${version} for panel "${panelId}"`, 404)
  const attrs = JSON.parse(change.attrs) as {
    tool?: string
    args?: JsonObject
    ops: PatchOp[]
    seed?: number
    now?: number
    flush?: number
    flushes?: number
  }
  if (!attrs.tool || attrs.tool === EDIT_TOOL) {
    throw new KernelError('NOT_A_HANDLER_RUN', `Change ${version} was an NXML edit, not a handler run`, 409)
  }
  if (attrs.tool === BIND_TOOL) {
    throw new KernelError('NOT_A_HANDLER_RUN', `Change ${version} was a bound input's write, not a handler run`, 409)
  }
  if (attrs.flush !== undefined || attrs.flushes !== undefined) {
    // Its run committed state at an await: no single change holds the run's whole effect to compare with.
    throw new KernelError(
      'NOT_REPLAYABLE',
      `Change ${version} is one of several a run committed at its awaits; such a run cannot be re-run change by change`,
      409,
    )
  }
  const ran = rows.find(
    (r) => r.kind === 'handler_run' && (JSON.parse(r.attrs) as { version?: number }).version === version,
  )
  const before = replayState(
    rows.filter((r) => (r.kind === 'snapshot' || r.kind === 'state_change') && r.seq < version),
  )
  if (!before) throw new KernelError('NOT_FOUND', `TriLog cannot rebuild the state before change ${version}`, 404)
  const run = prepareRun(panelId, ast, before, attrs.tool, attrs.args, { now: attrs.now ?? 0, seed: attrs.seed })
  const recordedHash = ran && (JSON.parse(ran.attrs) as { codeHash?: string }).codeHash
  if (recordedHash && recordedHash !== run.codeHash) {
    throw new KernelError(
      'HANDLER_CHANGED',
      `The "${attrs.tool}" handler changed since change ${version}; it cannot be re-run as it was`,
      409,
    )
  }
  const outcome = await sandbox.run(run.request)
  const replayed = outcome.ok ? outcome.value.ops : null
  return {
    version,
    tool: attrs.tool,
    identical: replayed !== null && JSON.stringify(replayed) === JSON.stringify(attrs.ops as unknown as Json),
    recorded: attrs.ops,
    replayed,
    ...(outcome.ok ? {} : { error: { code: outcome.error.code, message: outcome.error.message } }),
  }
}
