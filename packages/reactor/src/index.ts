// NXML: parse, validate, serialize
export type { ParseResult } from './nxml/parseNxml.ts'
export { parseNxml } from './nxml/parseNxml.ts'
export type { CompileResult } from './nxml/compile.ts'
export { clearNxmlCaches, compileNxml, initialState } from './nxml/compile.ts'
export { validatePanel } from './nxml/validate.ts'
export { serializeNxml } from './nxml/serialize.ts'
export type { ExtensionDecl, LifecycleDecl, NxmlComment, NxmlPanelAst } from './nxml/ast.ts'
export { FORBIDDEN_GLOBALS, HANDLER_GLOBALS } from './nxml/handlerCode.ts'
export type { WithoutSpans } from './nxml/stripSpans.ts'
export { stripSpans } from './nxml/stripSpans.ts'
export type { LineColumn } from './nxml/lineColumn.ts'
export { lineColumn } from './nxml/lineColumn.ts'
export type { DiagnosticCodeInfo, DiagnosticKey } from './nxml/diagnosticCodes.ts'
export { DIAGNOSTIC_CODES } from './nxml/diagnosticCodes.ts'
export type {
  AttributeKind,
  AttributeSpec,
  AttributeType,
  ComponentCategory,
  ComponentSpec,
} from './nxml/componentSpecs.ts'
export { COMPONENT_SPECS } from './nxml/componentSpecs.ts'
export { matchesType, parseDefault, zeroValue } from './nxml/defaults.ts'

// Expressions
export type { Expr, ExprError, ExprResult, ExprSpan } from './expr/ast.ts'
export { parseExpression } from './expr/parser.ts'
export type { Scope } from './expr/evaluate.ts'
export { evaluateExpression } from './expr/evaluate.ts'
export type { StatePath, StateRoot } from './expr/collect.ts'
export { collectStatePaths } from './expr/collect.ts'
export type { Binding, BindingPart } from './expr/binding.ts'
export { collectBindingPaths, evaluateBinding, parseBinding, parseExpressionAttribute } from './expr/binding.ts'
export type { Value, ValueObject } from './expr/values.ts'
export { SafeFunction } from './expr/values.ts'
export { toJson } from './expr/toJson.ts'
export { BLOCKED_PROPERTIES } from './expr/safeAccess.ts'
export { ALLOWED_METHODS } from './expr/methods.ts'

// State
export type { ComputedResult, KeySet, PatchResult, Store, StoreListener } from './state/store.ts'
export { createStore } from './state/store.ts'

// Tools
export type { ResolveArgsResult } from './args.ts'
export { resolveToolArgs } from './args.ts'

// Layout engine
export type { Placement } from './layout/placement.ts'
export { autoPlacements, gridPlacements, weightOf } from './layout/placement.ts'

// Panels without the kernel
export type { Executor, ExecutorResult } from './panel/executor.ts'
export type { Panel, PanelOptions, TriggerResult } from './panel/createPanel.ts'
export { createPanel } from './panel/createPanel.ts'
export { createExpressionExecutor } from './panel/expressionExecutor.ts'
export { createMcpServer, panelResourceUri, toolInputSchema } from './panel/mcp.ts'
export { NxmlCompileError, ReactorError } from './errors.ts'

// Rendering
export type { PanelViewProps } from './components/PanelView.tsx'
export { PanelView } from './components/PanelView.tsx'
export type { BindHandler, TriggerHandler } from './components/PanelContext.ts'
export { validateField } from './components/formValidation.ts'
export { THEME_CSS } from './components/theme.ts'
export { renderPanelToString } from './ssr.ts'
