export type { Json, JsonObject } from './json.ts'
export { FORBIDDEN_KEYS, JsonSchema, JsonObjectSchema } from './json.ts'
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
export type { ErrorBody, ErrorCode, ExtensionErrorCode, KernelErrorBody } from './errors.ts'
export { ERROR_CODES, EXTENSION_ERROR_CODES, ErrorBodySchema, ErrorResponseSchema, isErrorCode } from './errors.ts'
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
  EmittedEvent,
} from './messages.ts'
export {
  AckMessageSchema,
  BindMessageSchema,
  ChannelSchema,
  ClientMessageSchema,
  EmittedEventSchema,
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
export type { PanelSummary } from './http.ts'
export {
  DuplicatePanelRequestSchema,
  HealthResponseSchema,
  LayoutSchema,
  NxmlUpdatedResponseSchema,
  PanelCreatedResponseSchema,
  PanelListQuerySchema,
  PanelListResponseSchema,
  PanelResponseSchema,
  PanelSummarySchema,
  PanelUpdatedResponseSchema,
  StateAtResponseSchema,
  ReplaySkippedSchema,
  TriggerResponseSchema,
  UpdateNxmlRequestSchema,
  UpdatePanelRequestSchema,
  CreatePanelRequestSchema,
  MAX_NXML_BYTES,
  StateAtQuerySchema,
  TriggerRequestSchema,
  ValidateRequestSchema,
  ValidateResponseSchema,
} from './http.ts'
export type { ApiRoute, RouteAnswer } from './routes.ts'
export { API_ROUTES } from './routes.ts'
export type { ShapeLimits, ShapeProblem } from './bounded.ts'
export { MAX_JSON_DEPTH, MAX_JSON_NODES, jsonTextDepthProblem, valueShapeProblem } from './bounded.ts'
export { NET_ANY, canonicalHost, hostListed, netCapability, netGranted, urlHost } from './netGrant.ts'
export type { ApiKeySummary, Invitation, Member, Role, User, WorkspaceSummary } from './auth.ts'
export {
  AddMemberRequestSchema,
  ApiKeyCreatedResponseSchema,
  ApiKeySummarySchema,
  ApiKeysResponseSchema,
  AuthStatusResponseSchema,
  InvitationSchema,
  InviteResponseSchema,
  MeResponseSchema,
  MemberSchema,
  MembersResponseSchema,
  RoleSetResponseSchema,
  SessionResponseSchema,
  UserSchema,
  WorkspaceSchema,
  WorkspaceSummarySchema,
  WorkspacesResponseSchema,
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
export {
  AnomaliesQuerySchema,
  AnomaliesResponseSchema,
  AnomalyFlagSchema,
  CauseQuerySchema,
  CauseResponseSchema,
  DiffQuerySchema,
  DiffResponseSchema,
  FailureReplayResponseSchema,
  ReplayResponseSchema,
  StoredSpanSchema,
  TimelineEntrySchema,
  TimelineQuerySchema,
  TimelineResponseSchema,
  ToolBaselineSchema,
  TraceResponseSchema,
  WhoChangedQuerySchema,
  WhoChangedResponseSchema,
} from './history.ts'
export type {
  CreateEntity,
  CreatePatch,
  CreateRelationship,
  EntityCategory,
  EntityFields,
  NogEntity,
  NogFilter,
  NogGraph,
  NogOp,
  NogPatch,
  NogRelationship,
  NogSource,
  PatchSource,
  PatchStatus,
  RelationshipFields,
  RelationshipType,
} from './nog/schemas.ts'
export {
  CreateEntitySchema,
  CreatePatchSchema,
  CreateRelationshipSchema,
  ENTITY_CATEGORIES,
  EntityCategorySchema,
  EntityFieldsSchema,
  EntityIdSchema,
  NogEntitySchema,
  NogGraphSchema,
  NogOpSchema,
  NogPatchSchema,
  NogRelationshipSchema,
  NogSourceSchema,
  PATCH_SOURCES,
  PATCH_STATUSES,
  RELATIONSHIP_TYPES,
  RejectPatchSchema,
  RelationshipFieldsSchema,
  RelationshipTypeSchema,
  UpdateEntitySchema,
  UpdateRelationshipSchema,
} from './nog/schemas.ts'
export {
  MAX_NOG_DEPTH,
  MAX_NOG_GRAPH,
  NogAtQuerySchema,
  NogBaseVersionQuerySchema,
  NogDeletedResponseSchema,
  NogEntitiesQuerySchema,
  NogEntitiesResponseSchema,
  NogEntityCreatedResponseSchema,
  NogEntityResponseSchema,
  NogEntityUpdatedResponseSchema,
  NogGraphAtResponseSchema,
  NogGraphQuerySchema,
  NogGraphResponseSchema,
  NogNeighboursQuerySchema,
  NogPatchesQuerySchema,
  NogPatchesResponseSchema,
  NogPathQuerySchema,
  NogRelationshipCreatedResponseSchema,
  NogRelationshipResponseSchema,
  NogRelationshipUpdatedResponseSchema,
  NogSummaryResponseSchema,
} from './nog/http.ts'
export type { HandlerAnalysis, HandlerUse, NamedUse } from './handler/analysis.ts'
export { analyzeHandlerCode, inferCapabilities, memberUses, stateMentions } from './handler/analysis.ts'
export { blankHandlerCode } from './handler/blank.ts'
export type { CapabilityUse } from './handler/capabilities.ts'
export { capabilityGranted, capabilityName } from './handler/capabilities.ts'
export { FORBIDDEN_GLOBALS, HANDLER_GLOBALS } from './handler/globals.ts'
export type {
  BinaryOperator,
  BinaryToken,
  OperandKind,
  OperatorPrimitive,
  UnaryOperator,
  UnaryToken,
} from './handler/operators.ts'
export {
  applyBinary,
  applyUnary,
  BINARY_OPERATORS,
  BinaryCode,
  binaryOperator,
  UNARY_OPERATORS,
  UNARY_PRECEDENCE,
  UnaryCode,
  unaryOperator,
} from './handler/operators.ts'
export type {
  ArithmeticOp as Tier0ArithmeticOp,
  BinaryOp as Tier0BinaryOp,
  Expr as Tier0Expr,
  Root as Tier0Root,
  Stmt as Tier0Stmt,
  Target as Tier0Target,
  Tier0Program,
} from './handler/tier0/ast.ts'
export { MAX_TIER0_NESTING, parseTier0, tier0Subset, type Tier0Subset } from './handler/tier0/parse.ts'
export { MAX_TIER0_CODE } from './handler/tier0/scan.ts'
