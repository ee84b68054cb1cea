import type { JsonObject } from '@nexus/protocol'
import type { HandlerResult, HandlerRun, RunOutcome, Sandbox, SandboxFailure } from '../src/index.ts'

/** A run request with every capability granted, fixed seed and clock. */
export function request(code: string, overrides: Partial<HandlerRun> = {}): HandlerRun {
  return {
    code,
    state: { count: 0, items: [] } as JsonObject,
    args: { step: 1 },
    capabilities: ['state:write:*', 'events:emit:*'],
    seed: 42,
    now: 1_700_000_000_000,
    ...overrides,
  }
}

export async function runOk(sandbox: Sandbox, req: HandlerRun): Promise<HandlerResult> {
  const out = await sandbox.run(req)
  if (!out.ok) throw new Error(`expected success, got ${out.error.code}: ${out.error.message}`)
  return out.value
}

export async function runFail(sandbox: Sandbox, req: HandlerRun): Promise<SandboxFailure> {
  const out: RunOutcome = await sandbox.run(req)
  if (out.ok) throw new Error(`expected failure, got success: ${JSON.stringify(out.value.ops)}`)
  return out.error
}
