import { z } from 'zod'
import { SpanSchema } from './diagnostics.ts'
import { JsonSchema } from './json.ts'

export const STATE_TYPES = ['string', 'number', 'boolean', 'list', 'object'] as const
export const StateTypeSchema = z.enum(STATE_TYPES)
export type StateType = z.infer<typeof StateTypeSchema>

export const StateDeclSchema = z.object({
  kind: z.literal('State'),
  name: z.string(),
  type: StateTypeSchema,
  default: JsonSchema,
  span: SpanSchema,
})
export type StateDecl = z.infer<typeof StateDeclSchema>

export const ComputedDeclSchema = z.object({
  kind: z.literal('Computed'),
  name: z.string(),
  /** Expression source, e.g. `$state.count * 2`. */
  value: z.string(),
  span: SpanSchema,
})
export type ComputedDecl = z.infer<typeof ComputedDeclSchema>

export const ArgDeclSchema = z.object({
  kind: z.literal('Arg'),
  name: z.string(),
  type: StateTypeSchema,
  default: JsonSchema.optional(),
  required: z.boolean(),
  span: SpanSchema,
})
export type ArgDecl = z.infer<typeof ArgDeclSchema>

export const CapabilityDeclSchema = z.object({
  kind: z.literal('Capability'),
  /** e.g. `state:write`, `state:read`, `events:emit`. */
  type: z.string(),
  /** e.g. a state key, an event name, or `*`. */
  scope: z.string(),
  span: SpanSchema,
})
export type CapabilityDecl = z.infer<typeof CapabilityDeclSchema>

export const HandlerSchema = z.object({
  kind: z.literal('Handler'),
  /** The handler body: the body of an async function. */
  code: z.string(),
  /** 1-based line in the NXML source where `code` starts, so sandbox errors can point at NXML lines. */
  line: z.number().int(),
  span: SpanSchema,
})
export type Handler = z.infer<typeof HandlerSchema>

export const ToolDeclSchema = z.object({
  kind: z.literal('Tool'),
  name: z.string(),
  description: z.string().optional(),
  args: z.array(ArgDeclSchema),
  /** `undefined` when the tool has no `Capabilities` block: capabilities are then inferred. */
  capabilities: z.array(CapabilityDeclSchema).optional(),
  handler: HandlerSchema,
  span: SpanSchema,
})
export type ToolDecl = z.infer<typeof ToolDeclSchema>

/** A component in the View: its raw attribute strings (bindings are `{expr}` inside them). */
export interface ViewNode {
  kind: 'Component'
  type: string
  attrs: Record<string, string>
  children: ViewNode[]
  span: z.infer<typeof SpanSchema>
}
export const ViewNodeSchema: z.ZodType<ViewNode> = z.lazy(() =>
  z.object({
    kind: z.literal('Component'),
    type: z.string(),
    attrs: z.record(z.string(), z.string()),
    children: z.array(ViewNodeSchema),
    span: SpanSchema,
  }),
)

export const PanelAstSchema = z.object({
  kind: z.literal('NexusPanel'),
  title: z.string(),
  version: z.string(),
  states: z.array(StateDeclSchema),
  computeds: z.array(ComputedDeclSchema),
  tools: z.array(ToolDeclSchema),
  /** The children of `<View>`. */
  view: z.array(ViewNodeSchema),
  span: SpanSchema,
})
/** A parsed `<NexusPanel>`. */
export type PanelAst = z.infer<typeof PanelAstSchema>
