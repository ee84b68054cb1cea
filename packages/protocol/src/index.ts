export type { Json, JsonObject } from './json.ts'
export { JsonSchema, JsonObjectSchema } from './json.ts'
export type { PatchOp } from './patch.ts'
export { PatchOpSchema, PatchSchema } from './patch.ts'
export type { ApplyResult } from './jsonPatch.ts'
export { applyPatch, escapePointer, parsePointer, pointerHead } from './jsonPatch.ts'
export type { Diagnostic, Span } from './diagnostics.ts'
export { DiagnosticSchema, SpanSchema } from './diagnostics.ts'
export type {
  ArgDecl,
  CapabilityDecl,
  ComputedDecl,
  Handler,
  PanelAst,
  StateDecl,
  StateType,
  ToolDecl,
  ViewNode,
} from './ast.ts'
export {
  ArgDeclSchema,
  CapabilityDeclSchema,
  ComputedDeclSchema,
  HandlerSchema,
  PanelAstSchema,
  STATE_TYPES,
  StateDeclSchema,
  StateTypeSchema,
  ToolDeclSchema,
  ViewNodeSchema,
} from './ast.ts'
export type { ErrorBody, ErrorCode } from './errors.ts'
export { ERROR_CODES, ErrorBodySchema } from './errors.ts'
export type {
  BindMessage,
  ClientMessage,
  ErrorMessage,
  PanelSnapshot,
  PatchMessage,
  ServerMessage,
  SnapshotMessage,
  TriggerAckResult,
  TriggerMessage,
  LogEntry,
  ViewCommand,
} from './messages.ts'
export {
  AckMessageSchema,
  BindMessageSchema,
  ChannelSchema,
  ClientMessageSchema,
  ErrorMessageSchema,
  HelloMessageSchema,
  LogEntrySchema,
  MAX_MESSAGE_BYTES,
  PanelSnapshotSchema,
  PatchMessageSchema,
  PingMessageSchema,
  PongMessageSchema,
  ServerMessageSchema,
  SnapshotMessageSchema,
  SubscribeMessageSchema,
  TriggerAckResultSchema,
  TriggerMessageSchema,
  UnsubscribeMessageSchema,
  ViewCommandSchema,
} from './messages.ts'
export {
  DuplicatePanelRequestSchema,
  LayoutSchema,
  UpdateNxmlRequestSchema,
  UpdatePanelRequestSchema,
  CreatePanelRequestSchema,
  MAX_NXML_BYTES,
  StateAtQuerySchema,
  TriggerRequestSchema,
  ValidateRequestSchema,
} from './http.ts'
export type { ShapeLimits, ShapeProblem } from './bounded.ts'
export { MAX_JSON_DEPTH, MAX_JSON_NODES, jsonTextDepthProblem, valueShapeProblem } from './bounded.ts'
export { NET_ANY, canonicalHost, hostListed, netCapability, netGranted, urlHost } from './netGrant.ts'
export type { Role } from './auth.ts'
export {
  AddMemberRequestSchema,
  CreateApiKeyRequestSchema,
  CreateWorkspaceRequestSchema,
  LoginRequestSchema,
  ROLE_NAMES,
  RegisterRequestSchema,
  RoleSchema,
  SetRoleRequestSchema,
  SetupRequestSchema,
} from './auth.ts'
export type { AnomalyFlag, TimelineEntry, ToolBaseline } from './history.ts'
