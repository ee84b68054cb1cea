import type { Handler, PanelAst, Span } from '@nexus/protocol'

/** `<Extension name="nexus.http" alias="http" />`: handlers call it as `await $ext.http.<method>(...)`. */
export interface ExtensionDecl {
  kind: 'Extension'
  name: string
  alias: string
  span: Span
}

/** `<Lifecycle on="mount"><Handler>...</Handler></Lifecycle>`. */
export interface LifecycleDecl {
  kind: 'Lifecycle'
  on: string
  handler: Handler
  span: Span
}

/**
 * A `<!-- comment -->` kept for round trips. `before` names the declaration it precedes: `states/0`,
 * `computeds/1`, `extensions/0`, `tools/2`, `lifecycles/0`, `view/0/3` (indices down the view tree), or
 * `end` (just before `</NexusPanel>`).
 */
export interface NxmlComment {
  text: string
  before: string
}

/**
 * The reactor's panel AST: a `PanelAst` plus what `@nexus/protocol` does not model yet. The extra fields
 * are optional and only present when non-empty, so `PanelAst` consumers can ignore them.
 */
export interface NxmlPanelAst extends PanelAst {
  extensions?: ExtensionDecl[]
  lifecycles?: LifecycleDecl[]
  comments?: NxmlComment[]
}
