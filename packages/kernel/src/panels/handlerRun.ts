import type { Json, JsonObject, PanelAst, ToolDecl } from '@nexus/protocol'
import { createStore, resolveToolArgs, type NxmlPanelAst } from '@nexus/reactor'
import { inferCapabilities, type HandlerRun } from '@nexus/sandbox'
import { sha256 } from '../accounts/secrets.ts'
import { KernelError } from '../errors.ts'

/** Everything a handler run depends on, so TriLog can record it and a run can be re-executed exactly. */
export interface RunInputs {
  tool: ToolDecl
  args: JsonObject
  request: HandlerRun
  /** SHA-256 of the handler code, so a re-execution can tell when the handler changed since. */
  codeHash: string
}

/** `<Lifecycle on="…">` handlers run like tools named `lifecycle:<on>`; their args pass through as given. */
export const LIFECYCLE_PREFIX = 'lifecycle:'

/** The tool a name refers to: a declared `<Tool>`, or a `<Lifecycle>` handler as `lifecycle:<on>`. */
function findHandler(panelId: string, ast: NxmlPanelAst, toolName: string): ToolDecl {
  if (toolName.startsWith(LIFECYCLE_PREFIX)) {
    const on = toolName.slice(LIFECYCLE_PREFIX.length)
    const lc = ast.lifecycles?.find((l) => l.on === on)
    if (lc) return { kind: 'Tool', name: toolName, args: [], handler: lc.handler, span: lc.span }
  }
  const tool = ast.tools.find((t) => t.name === toolName)
  if (!tool) {
    const known = ast.tools.map((t) => `"${t.name}"`).join(', ') || 'none'
    throw new KernelError('TOOL_NOT_FOUND', `Panel "${panelId}" has no tool "${toolName}" (tools: ${known})`, 404)
  }
  return tool
}

/** Resolves the tool and its arguments and builds the sandbox request for one run. */
export function prepareRun(
  panelId: string,
  ast: PanelAst,
  state: JsonObject,
  toolName: string,
  rawArgs: Json[] | JsonObject | undefined,
  clock: { now: number; seed?: number },
): RunInputs {
  const tool = findHandler(panelId, ast, toolName)
  const args: { ok: true; value: JsonObject } | ReturnType<typeof resolveToolArgs> = toolName.startsWith(
    LIFECYCLE_PREFIX,
  )
    ? { ok: true, value: rawArgs && !Array.isArray(rawArgs) ? rawArgs : {} }
    : resolveToolArgs(tool, rawArgs)
  if (!args.ok) throw new KernelError('INVALID_ARGS', args.error.message, 422)
  return {
    tool,
    args: args.value,
    codeHash: sha256(tool.handler.code).slice(0, 16),
    request: {
      code: tool.handler.code,
      line: tool.handler.line,
      state,
      args: args.value,
      computed: computedValues(ast, state),
      capabilities: capabilitiesOf(tool),
      now: clock.now,
      ...(clock.seed === undefined ? {} : { seed: clock.seed }),
    },
  }
}

/** Declared capabilities as strings; a tool without a `Capabilities` block gets what its handler uses. */
function capabilitiesOf(tool: ToolDecl): string[] {
  if (!tool.capabilities) return inferCapabilities(tool.handler.code)
  return tool.capabilities.map((c) => `${c.type}:${c.scope}`)
}

function computedValues(ast: PanelAst, state: JsonObject): JsonObject {
  if (ast.computeds.length === 0) return {}
  const store = createStore(state, ast.computeds)
  const values: JsonObject = {}
  for (const c of ast.computeds) values[c.name] = (store.getComputed(c.name) ?? null) as Json
  return values
}
