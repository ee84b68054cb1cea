import type { JsonObject, PanelAst, PatchOp } from '@nexus/protocol'
import type { Sandbox } from '@nexus/sandbox'
import { replayState, type TrilogStore } from '@nexus/trilog'
import { KernelError } from '../errors.ts'
import { prepareRun } from './handlerRun.ts'
import { findTypeViolation } from './stateTypes.ts'

export interface FailureReplayOutcome {
  ts: number
  seq: number
  tool: string
  recorded: { code: string; message: string }
  /** Whether the re-run failed again with the recorded error code. */
  reproduced: boolean
  /** The operations the re-run produced when it did not fail (nothing is applied). */
  replayed: PatchOp[] | null
  error?: { code: string; message: string }
}

/**
 * Re-runs a failed trigger (`trigger_failed` at `ts`/`seq`) as a dry run: the state TriLog rebuilds from the
 * changes before it, the recorded arguments, the failure's time as the clock (a failure records no seed, so
 * `Math.random` differs), today's handler code. Nothing is stored or broadcast.
 */
export async function replayFailure(
  store: TrilogStore,
  sandbox: Sandbox,
  panelId: string,
  ast: PanelAst,
  ts: number,
  seq: number,
): Promise<FailureReplayOutcome> {
  const rows = await store.events('Panel', panelId)
  const failure = rows.find((r) => r.kind === 'trigger_failed' && r.ts === ts && r.seq === seq)
  if (!failure)
    throw new KernelError('NOT_FOUND', `TriLog has no failed run of panel "${panelId}" at ${ts}/${seq}`, 404)
  const attrs = JSON.parse(failure.attrs) as {
    tool?: string
    args?: JsonObject
    error?: { code?: string; message?: string }
  }
  if (!attrs.tool) throw new KernelError('NOT_A_HANDLER_RUN', 'That failure names no tool to re-run', 409)
  const recorded = { code: attrs.error?.code ?? 'ERROR', message: attrs.error?.message ?? '' }
  const before = replayState(
    rows.filter(
      (r) => (r.kind === 'snapshot' || r.kind === 'state_change') && (r.ts < ts || (r.ts === ts && r.seq <= seq)),
    ),
  )
  if (!before) throw new KernelError('NOT_FOUND', 'TriLog cannot rebuild the state before that failure', 404)
  const run = prepareRun(panelId, ast, before, attrs.tool, attrs.args, { now: ts })
  const outcome = await sandbox.run(run.request)
  const base = { ts, seq, tool: attrs.tool, recorded }
  if (!outcome.ok) {
    const error = { code: outcome.error.code, message: outcome.error.message }
    return { ...base, reproduced: error.code === recorded.code, replayed: null, error }
  }
  // A run the kernel refused for the state it left fails the same way when its state is still invalid.
  const violation = findTypeViolation(ast.states, outcome.value.state)
  if (violation) {
    const error = { code: 'STATE_INVALID', message: violation }
    return { ...base, reproduced: recorded.code === 'STATE_INVALID', replayed: outcome.value.ops, error }
  }
  return { ...base, reproduced: false, replayed: outcome.value.ops }
}
