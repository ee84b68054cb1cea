import { context as otelContext } from '@opentelemetry/api'
import type { Json, JsonObject } from '@nexus/protocol'
import type { NxmlPanelAst } from '@nexus/reactor'
import type { HostBridge } from '@nexus/sandbox'
import { ExtensionError } from '../extensions/Extension.ts'
import type { ExtensionRegistry } from '../extensions/ExtensionRegistry.ts'
import type { CallChain } from './TriggerBudget.ts'

/** How deep `$panel.call` and cross-panel events may nest: A → B → C → D. */
export const MAX_CALL_DEPTH = 4

export interface BridgeContext {
  panelId: string
  workspaceId: string
  ast: NxmlPanelAst
  capabilities: readonly string[]
  /** The panels already waiting further up this chain of calls and events (cycles would deadlock), and the budget. */
  chain: CallChain
}

/** What `$panel.call` does: run a tool on another panel of the same workspace and answer with its result. */
export type PanelCaller = (targetId: string, tool: string, args: Json, chain: CallChain) => Promise<JsonObject>

/**
 * The sandbox's host bridge for one run: `$ext.<alias>` through declared extensions, `$panel.call`. Make it
 * inside the run's span: every call runs in that trace context, whatever context the sandbox delivers it in
 * (a pooled worker's messages arrive in the context the worker was started in: kernel start, or whichever
 * run, maybe another tenant's, was going when it was replaced).
 */
export function hostBridge(context: BridgeContext, extensions: ExtensionRegistry, callPanel: PanelCaller): HostBridge {
  const bridge = bridgeCalls(context, extensions, callPanel)
  const run = otelContext.active()
  return {
    ext: (alias, method, args) => otelContext.with(run, () => bridge.ext(alias, method, args)),
    panelCall: (targetId, tool, args) => otelContext.with(run, () => bridge.panelCall(targetId, tool, args)),
  }
}

function bridgeCalls(
  context: BridgeContext,
  extensions: ExtensionRegistry,
  callPanel: PanelCaller,
): Required<Pick<HostBridge, 'ext' | 'panelCall'>> {
  const aliases = new Map((context.ast.extensions ?? []).map((e) => [e.alias, e.name]))
  const callContext = { panelId: context.panelId, workspaceId: context.workspaceId, capabilities: context.capabilities }
  return {
    async ext(alias, method, args) {
      const name = aliases.get(alias)
      if (!name) {
        throw new ExtensionError(
          'EXTENSION_NOT_DECLARED',
          `Declare <Extension name="…" alias="${alias}" /> to use $ext.${alias}`,
        )
      }
      return extensions.call(name, method, args, callContext)
    },
    async panelCall(targetId, tool, args) {
      const chain = context.chain.through(context.panelId)
      if (chain.includes(targetId)) {
        const path = chain.panels.join(' → ')
        throw new ExtensionError('CALL_CYCLE', `$panel.call to ${targetId} would wait on itself (${path})`)
      }
      if (chain.depth >= MAX_CALL_DEPTH)
        throw new ExtensionError('CALL_TOO_DEEP', `Panel calls nest at most ${MAX_CALL_DEPTH} deep`)
      // Paid before the target is even looked up: a refused call costs the kernel nothing.
      if (!chain.budget.take({ kind: 'call', from: context.panelId, to: targetId })) {
        throw new ExtensionError('FANOUT_LIMIT', chain.budget.message())
      }
      return callPanel(targetId, tool, args, chain)
    },
  }
}
