import { z } from 'zod'
import { ErrorBodySchema } from './errors.ts'
import { JsonObjectSchema, JsonSchema } from './json.ts'
import { PatchSchema } from './patch.ts'

const ReqId = z.string().min(1).max(128)
/**
 * `panel:<id>` subscribes to one panel; `workspace:<id>` to the list of a workspace's panels;
 * `nog:<workspaceId>` to the workspace's object graph (with a filter).
 */
export const ChannelSchema = z
  .string()
  .regex(
    /^(panel|workspace|nog):[A-Za-z0-9_-]{1,64}$/,
    'channel must look like "panel:<id>", "workspace:<id>" or "nog:<workspaceId>"',
  )

// Client → server
export const HelloMessageSchema = z.object({ type: z.literal('hello'), reqId: ReqId, token: z.string().optional() })
export const SubscribeMessageSchema = z.object({
  type: z.literal('subscribe'),
  reqId: ReqId,
  channel: ChannelSchema,
  /**
   * The last version the client has (on `nog:` channels the graph version of its last snapshot or patch, sent
   * with the same filter): it receives only what it missed, or a fresh snapshot when the server cannot resume.
   */
  since: z.number().int().nonnegative().optional(),
  /** For `nog:` channels: which entities, e.g. `{"$and":[{"category":{"eq":"concept"}}]}`. */
  filter: JsonSchema.optional(),
})
export const UnsubscribeMessageSchema = z.object({
  type: z.literal('unsubscribe'),
  reqId: ReqId,
  channel: ChannelSchema,
})
export const TriggerMessageSchema = z.object({
  type: z.literal('trigger'),
  reqId: ReqId,
  panelId: z.string().min(1).max(64),
  tool: z.string().min(1).max(128),
  args: z.union([JsonObjectSchema, z.array(JsonSchema)]).optional(),
})
/**
 * A two-way `bind` write from an input: the state path as the `bind` attribute gives it (`draft`, `form.email`)
 * and the new value. Authorised like a trigger (editor); checked against the state's declared type.
 */
export const BindMessageSchema = z.object({
  type: z.literal('bind'),
  reqId: ReqId,
  panelId: z.string().min(1).max(64),
  path: z
    .string()
    .max(512)
    .regex(/^[A-Za-z_$][\w$]*(\.[^.]+)*$/, 'path must be a declared state name, then "."-separated keys'),
  value: JsonSchema,
})
export const PingMessageSchema = z.object({ type: z.literal('ping'), reqId: ReqId })

export const ClientMessageSchema = z.discriminatedUnion('type', [
  HelloMessageSchema,
  SubscribeMessageSchema,
  UnsubscribeMessageSchema,
  TriggerMessageSchema,
  BindMessageSchema,
  PingMessageSchema,
])
export type ClientMessage = z.infer<typeof ClientMessageSchema>
export type TriggerMessage = z.infer<typeof TriggerMessageSchema>
export type BindMessage = z.infer<typeof BindMessageSchema>

// Server → client
export const PanelSnapshotSchema = z.object({
  id: z.string(),
  nxml: z.string(),
  state: JsonObjectSchema,
  version: z.number().int(),
})
export type PanelSnapshot = z.infer<typeof PanelSnapshotSchema>

export const SnapshotMessageSchema = z.object({
  type: z.literal('snapshot'),
  channel: ChannelSchema,
  version: z.number().int(),
  /** On `panel:` channels. */
  panel: PanelSnapshotSchema.optional(),
  /**
   * On `nog:` channels the matching entities by id, on `workspace:` channels the panels by id; later
   * patches add (or replace) and remove members.
   */
  entities: z.record(z.string(), JsonSchema).optional(),
})
export const PatchMessageSchema = z.object({
  type: z.literal('patch'),
  channel: ChannelSchema,
  /** The version after applying `ops`; the client holds `version - 1` before it. */
  version: z.number().int(),
  ops: PatchSchema,
})
export const AckMessageSchema = z.object({ type: z.literal('ack'), reqId: ReqId, result: JsonSchema.optional() })
export const ErrorMessageSchema = z.object({
  type: z.literal('error'),
  reqId: z.string().optional(),
  error: ErrorBodySchema,
})
export const PongMessageSchema = z.object({ type: z.literal('pong'), reqId: ReqId })

/** One `$log(...)` line of a handler run. */
export const LogEntrySchema = z.object({ level: z.enum(['info', 'warn', 'error']), message: z.string() })
/** One `$view.<cmd>(id, ...args)` call of a handler run, for the view of the client that triggered it. */
export const ViewCommandSchema = z.object({ cmd: z.string(), id: z.string(), args: z.array(JsonSchema) })
/** One `$emit(name, payload)` of a handler run; the studio shows `toast` events as toasts. */
export const EmittedEventSchema = z.object({ name: z.string(), payload: JsonSchema })
/**
 * The `result` of a `trigger`'s `ack`: the version after the run, and — only for the client that sent the
 * trigger — the run's `$log` lines, `$view` commands and `$emit` events when it made any.
 */
export const TriggerAckResultSchema = z.object({
  version: z.number().int(),
  logs: z.array(LogEntrySchema).optional(),
  view: z.array(ViewCommandSchema).optional(),
  events: z.array(EmittedEventSchema).optional(),
})
export type LogEntry = z.infer<typeof LogEntrySchema>
export type ViewCommand = z.infer<typeof ViewCommandSchema>
export type EmittedEvent = z.infer<typeof EmittedEventSchema>
export type TriggerAckResult = z.infer<typeof TriggerAckResultSchema>

export const ServerMessageSchema = z.discriminatedUnion('type', [
  SnapshotMessageSchema,
  PatchMessageSchema,
  AckMessageSchema,
  ErrorMessageSchema,
  PongMessageSchema,
])
export type ServerMessage = z.infer<typeof ServerMessageSchema>
export type SnapshotMessage = z.infer<typeof SnapshotMessageSchema>
export type PatchMessage = z.infer<typeof PatchMessageSchema>
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>

/** Largest WebSocket frame the kernel accepts, in bytes. */
export const MAX_MESSAGE_BYTES = 256 * 1024
