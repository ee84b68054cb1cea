import type { ArgDecl, Json, JsonObject, StateType, ToolDecl } from '@nexus/protocol'
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js'
import type { Panel } from './createPanel.ts'

const JSON_TYPES: Record<StateType, string> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  list: 'array',
  object: 'object',
}

/** The JSON Schema of a tool's arguments (named, as `$args` sees them). */
export function toolInputSchema(tool: ToolDecl): { type: 'object'; properties: JsonObject; required: string[] } {
  const properties: JsonObject = {}
  for (const arg of tool.args) properties[arg.name] = argSchema(arg)
  return { type: 'object', properties, required: tool.args.filter((a) => a.required).map((a) => a.name) }
}

function argSchema(arg: ArgDecl): JsonObject {
  const schema: JsonObject = { type: JSON_TYPES[arg.type] }
  if (arg.default !== undefined) schema['default'] = arg.default
  return schema
}

/** Resource URIs: the whole state, each state key and each computed. */
export function panelResourceUri(kind: 'state' | 'computed', name?: string): string {
  return name === undefined ? `nexus://panel/${kind}` : `nexus://panel/${kind}/${encodeURIComponent(name)}`
}

/**
 * A panel as an MCP server: its tools as MCP tools (input schema from their `Arg`s; a call runs
 * `panel.trigger` and answers with the new state), its state and computed values as JSON resources.
 * Connect it to any transport, e.g. `await createMcpServer(panel).connect(transport)`.
 */
export function createMcpServer(panel: Panel, info: { name?: string; version?: string } = {}): Server {
  const server = new Server(
    { name: info.name ?? `nexus-panel-${panel.ast.title}`, version: info.version ?? panel.ast.version },
    { capabilities: { tools: {}, resources: {} } },
  )
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: panel.ast.tools.map((t) => ({
      name: t.name,
      description: t.description ?? `Runs the panel tool "${t.name}"`,
      inputSchema: toolInputSchema(t),
    })),
  }))
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const args = (request.params.arguments ?? {}) as JsonObject
    const result = await panel.trigger(request.params.name, args)
    if (!result.ok)
      return {
        isError: true,
        content: [{ type: 'text' as const, text: `${result.error.code}: ${result.error.message}` }],
      }
    return {
      content: [{ type: 'text' as const, text: JSON.stringify({ version: result.value.version, state: panel.state }) }],
      structuredContent: { version: result.value.version, state: panel.state },
    }
  })
  server.setRequestHandler(ListResourcesRequestSchema, () => ({
    resources: [
      {
        uri: panelResourceUri('state'),
        name: 'state',
        mimeType: 'application/json',
        description: 'The whole panel state',
      },
      ...panel.ast.states.map((s) => ({
        uri: panelResourceUri('state', s.name),
        name: `state.${s.name}`,
        mimeType: 'application/json',
        description: `State "${s.name}" (${s.type})`,
      })),
      ...panel.ast.computeds.map((c) => ({
        uri: panelResourceUri('computed', c.name),
        name: `computed.${c.name}`,
        mimeType: 'application/json',
        description: `Computed "${c.name}" = ${c.value}`,
      })),
    ],
  }))
  server.setRequestHandler(ReadResourceRequestSchema, (request) => {
    const uri = request.params.uri
    const value = readResource(panel, uri)
    if (value === undefined) throw new Error(`Unknown resource ${uri}`)
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }] }
  })
  return server
}

function readResource(panel: Panel, uri: string): Json | undefined {
  if (uri === panelResourceUri('state')) return panel.state
  const m = /^nexus:\/\/panel\/(state|computed)\/(.+)$/.exec(uri)
  if (!m) return undefined
  const name = decodeURIComponent(m[2]!)
  if (m[1] === 'state')
    return panel.ast.states.some((s) => s.name === name) ? (panel.store.get(name) ?? null) : undefined
  if (!panel.ast.computeds.some((c) => c.name === name)) return undefined
  return panel.store.getComputed(name) ?? null
}
