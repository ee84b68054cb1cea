import { z } from 'zod'
import { JsonSchema } from '@nexus/protocol'
import { defineObject, defineProcess } from './define.ts'
import { TrilogRegistry } from './registry.ts'

const ErrorPayload = z.object({ code: z.string(), message: z.string().optional() })

export const UserObject = defineObject('User', {
  description: 'A person with an account',
  fields: { email: z.string().optional(), displayName: z.string().optional() },
  events: {
    login: z.object({ method: z.enum(['password', 'token']) }),
    logout: z.object({ everywhere: z.boolean().optional() }),
    login_failed: z.object({ reason: z.string() }),
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
    trigger_failed: z.looseObject({ tool: z.string(), args: JsonSchema.optional(), error: ErrorPayload }),
    nxml_edit: z.object({ version: z.number().int(), source: z.enum(['editor', 'ai']) }),
  },
})

export const WebSocketConnectionObject = defineObject('WebSocketConnection', {
  description: 'One studio WebSocket',
  fields: { userId: z.string().optional(), panels: z.array(z.string()).optional() },
  events: {
    // Subscriptions are not recorded per connection (the sync hub's metrics count them).
    connected: z.object({ userId: z.string(), remote: z.string().optional() }),
    disconnected: z.object({ code: z.number().int(), reason: z.string().optional() }),
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
})

export const NogUpdateProcess = defineProcess('NOGUpdate', {
  object: 'Workspace',
  steps: ['validate', 'apply', 'broadcast'],
  events: { nog_change: z.object({ ops: z.array(JsonSchema) }) },
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
