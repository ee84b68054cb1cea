import { z } from 'zod'
import { JsonSchema } from '@nexus/protocol'
import { defineObject, defineProcess } from './define.ts'
import { TrilogRegistry } from './registry.ts'

const ErrorPayload = z.object({ code: z.string(), message: z.string().optional() })
/** Console lines a handler wrote during the run (the kernel records them only when there are some). */
const HandlerLogs = z.array(z.object({ level: z.enum(['info', 'warn', 'error']), message: z.string() }))
/** A connection's user: `null` while it has none (unauthenticated, or its credential was refused). */
const ConnectionUser = z.string().nullable()

export const UserObject = defineObject('User', {
  description: 'A person with an account',
  fields: { email: z.string().optional(), displayName: z.string().optional() },
  events: {
    login: z.object({ method: z.enum(['password', 'token']) }),
    logout: z.object({ everywhere: z.boolean().optional() }),
    login_failed: z.object({ reason: z.string() }),
    // `owner` on the account created by first-run setup.
    registered: z.object({ owner: z.literal(true).optional() }),
  },
})

export const WorkspaceObject = defineObject('Workspace', {
  description: 'A set of panels, their NOG and members',
  fields: { name: z.string().optional(), members: z.array(z.string()).optional() },
  // `commit` (a git commit of the workspace) returns with git: the kernel has none yet.
  events: {
    member_added: z.object({ userId: z.string(), role: z.string() }),
  },
})

export const PanelObject = defineObject('Panel', {
  description: "A live panel; its state is defined by the panel's NXML",
  fields: {},
  // A run that applies is its `state_change` (tool, args, ops) and `handler_run`; no separate `trigger` event.
  events: {
    created: z.object({ workspaceId: z.string(), title: z.string(), duplicate: z.literal(true).optional() }),
    trigger_failed: z.object({
      tool: z.string(),
      args: JsonSchema.optional(),
      error: ErrorPayload,
      actor: z.string().optional(),
      logs: HandlerLogs.optional(),
    }),
    nxml_edit: z.object({ version: z.number().int(), source: z.enum(['editor', 'ai']) }),
  },
})

export const WebSocketConnectionObject = defineObject('WebSocketConnection', {
  description: 'One studio WebSocket',
  fields: { userId: z.string().optional(), panels: z.array(z.string()).optional() },
  events: {
    // Subscriptions are not recorded per connection (the sync hub's metrics count them).
    connected: z.object({ userId: ConnectionUser, encoding: z.enum(['json', 'msgpack']) }),
    disconnected: z.object({ userId: ConnectionUser, code: z.number().int() }),
  },
})

export const UserAuthenticationProcess = defineProcess('UserAuthentication', {
  object: 'User',
  steps: ['verify_credentials', 'issue_token', 'open_session'],
})

export const PanelExecutionProcess = defineProcess('PanelExecution', {
  description: 'A trigger: role check, sandboxed handler, atomic apply, broadcast',
  object: 'Panel',
  steps: ['authorize', 'load', 'sandbox', 'apply', 'broadcast'],
  events: {
    // A run that stood; `version` only when it changed the state (replay looks runs up by version).
    handler_run: z.object({
      tool: z.string(),
      codeHash: z.string(),
      version: z.number().int().nonnegative().optional(),
      logs: HandlerLogs.optional(),
    }),
    // A `$panel.call` or event delivery the trigger could not pay for, once per trigger and source panel.
    fanout_refused: z.object({
      trigger: z.string(),
      limit: z.number().int().positive(),
      kind: z.enum(['call', 'event']),
      from: z.string(),
      to: z.string(),
      event: z.string().optional(),
      reason: z.enum(['budget', 'depth']),
    }),
  },
})

export const NogUpdateProcess = defineProcess('NOGUpdate', {
  object: 'Workspace',
  steps: ['validate', 'apply', 'broadcast'],
  // Written by the kernel's graph history straight to the store (not through the SDK).
  events: {
    nog_change: z.object({
      ops: z.array(JsonSchema),
      version: z.number().int().nonnegative(),
      removed: z.object({ entities: z.array(JsonSchema), relationships: z.array(JsonSchema) }).optional(),
    }),
  },
})

export const AiEditProcess = defineProcess('AIEdit', {
  object: 'Panel',
  steps: ['build_context', 'generate', 'validate', 'review', 'apply'],
  // `ai_proposal` and `ai_decision` return with the AI edit loop: the kernel has none yet.
})

/** Nexus's own TriLog schema. */
export function nexusRegistry(): TrilogRegistry {
  return new TrilogRegistry([
    UserObject,
    WorkspaceObject,
    PanelObject,
    WebSocketConnectionObject,
    UserAuthenticationProcess,
    PanelExecutionProcess,
    NogUpdateProcess,
    AiEditProcess,
  ])
}
