import type { JsonObject, PatchOp, ToolDecl } from '@nexus/protocol'

/** What running a handler gives: state operations (RFC 6902) or an error. */
export type ExecutorResult =
  | { ops: PatchOp[]; logs?: string[]; events?: { name: string; payload: unknown }[] }
  | { error: { code?: string; message: string } }

/**
 * Runs a tool's handler against a state snapshot: the sandbox in Node or the browser, or the kernel over a
 * WebSocket. The reactor never runs handler code itself.
 */
export type Executor = (tool: ToolDecl, args: JsonObject, state: JsonObject) => Promise<ExecutorResult>
