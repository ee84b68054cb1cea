import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete'
import type { Text } from '@codemirror/state'
import { COMPONENT_SPECS, HANDLER_GLOBALS, parseNxml } from '@nexus/reactor'

/** Attributes whose value names a tool (`trigger`, `onChange`, …), read from the specs. */
const TOOL_ATTRIBUTES = new Set(
  Object.values(COMPONENT_SPECS).flatMap((spec) => spec.attributes.filter((a) => a.kind === 'tool').map((a) => a.name)),
)

interface Names {
  states: string[]
  computeds: string[]
  tools: string[]
  args: string[]
}

/** The declared names of the current document, parsed again only when the text changed. */
function namesOf(): (doc: Text) => Names {
  let last: { doc: Text; names: Names } | undefined
  return (doc) => {
    if (last?.doc === doc) return last.names
    const { ast } = parseNxml(doc.toString())
    const names: Names = {
      states: ast?.states.map((s) => s.name) ?? [],
      computeds: ast?.computeds.map((c) => c.name) ?? [],
      tools: ast?.tools.map((t) => t.name) ?? [],
      args: [...new Set(ast?.tools.flatMap((t) => t.args.map((a) => a.name)) ?? [])],
    }
    last = { doc, names }
    return names
  }
}

const option = (label: string, type: string, detail?: string): Completion => ({ label, type, detail })

/**
 * Completes what lang-xml's schema cannot know: tool names in `trigger="…"` (and other tool attributes),
 * state/computed/arg names after `$state.`, `$computed.`, `$args.`, the `$` roots (`HANDLER_GLOBALS`), and
 * `$state.x` / `$computed.y` paths at the start of a word inside `{…}`.
 */
export function expressionCompletion(): (context: CompletionContext) => CompletionResult | null {
  const names = namesOf()
  return (context) => {
    const line = context.state.doc.lineAt(context.pos)
    const before = line.text.slice(0, context.pos - line.from)
    const toolValue = /\b([A-Za-z]+)="([\w-]*)$/.exec(before)
    if (toolValue && TOOL_ATTRIBUTES.has(toolValue[1]!)) {
      const tools = names(context.state.doc).tools.map((t) => option(t, 'function', 'tool'))
      return { from: context.pos - toolValue[2]!.length, options: tools, validFor: /^[\w-]*$/ }
    }
    // lang-xml completes attribute names only right after a space: `<Metric la` parses as text.
    const attribute = /<([A-Z]\w*)\s(?:[^<>"]*"[^"]*")*[^<>"]*?(\w+)$/.exec(before)
    const spec = attribute ? COMPONENT_SPECS[attribute[1]!] : undefined
    if (attribute && spec) {
      const options = spec.attributes.map((a) => ({
        label: a.name,
        type: 'property',
        info: a.doc,
        detail: a.required ? 'required' : undefined,
      }))
      return { from: context.pos - attribute[2]!.length, options, validFor: /^\w*$/ }
    }
    const member = /\$(\w+)\.(\w*)$/.exec(before)
    if (member) {
      const n = names(context.state.doc)
      const list =
        member[1] === 'state'
          ? n.states.map((s) => option(s, 'variable', 'state'))
          : member[1] === 'computed'
            ? n.computeds.map((c) => option(c, 'variable', 'computed'))
            : member[1] === 'args'
              ? n.args.map((a) => option(a, 'variable', 'arg'))
              : []
      return list.length ? { from: context.pos - member[2]!.length, options: list, validFor: /^\w*$/ } : null
    }
    const root = /\$\w*$/.exec(before)
    if (root) {
      const roots = HANDLER_GLOBALS.map((g) => option(g, 'keyword', 'global'))
      return { from: context.pos - root[0].length, options: roots, validFor: /^\$\w*$/ }
    }
    const inBraces = before.lastIndexOf('{') > before.lastIndexOf('}')
    const word = /(?:^|[^\w$.])(\w*)$/.exec(before)
    if (inBraces && word && (word[1]!.length > 0 || context.explicit || before.endsWith('{'))) {
      const n = names(context.state.doc)
      const paths = [
        ...n.states.map((s) => option(`$state.${s}`, 'variable', 'state')),
        ...n.computeds.map((c) => option(`$computed.${c}`, 'variable', 'computed')),
        ...HANDLER_GLOBALS.map((g) => option(g, 'keyword', 'global')),
      ]
      return { from: context.pos - word[1]!.length, options: paths, validFor: /^\w*$/ }
    }
    return null
  }
}
