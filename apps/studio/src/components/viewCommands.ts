import type { ViewCommand } from '@nexus/protocol'

/** What a control inside a component can take focus on. */
const FOCUSABLE = 'input, textarea, select, button, [tabindex]'

/**
 * The `$view.<cmd>(id, ...args)` commands the studio applies, to the component with that NXML `id` in the
 * panel (`data-nx-id`): `focus`, `blur`, `select` (its text) and `scrollIntoView` (optional
 * `{block: 'start'|'center'|'end'|'nearest'}`).
 */
const COMMANDS: Record<string, (element: HTMLElement, args: ViewCommand['args']) => void> = {
  focus: (element) => control(element)?.focus(),
  blur: (element) => control(element)?.blur(),
  select: (element) => {
    const target = control(element)
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) target.select()
  },
  scrollIntoView: (element, args) => {
    const block = (args[0] as { block?: unknown } | null)?.block
    const blocks = ['start', 'center', 'end', 'nearest']
    element.scrollIntoView({ block: blocks.includes(block as string) ? (block as ScrollLogicalPosition) : 'nearest' })
  },
}

function control(element: HTMLElement): HTMLElement | null {
  return element.matches(FOCUSABLE) ? element : element.querySelector<HTMLElement>(FOCUSABLE)
}

/** Applies a run's view commands in order; answers a note for each one it could not apply. */
export function applyViewCommands(root: HTMLElement, commands: readonly ViewCommand[]): string[] {
  const problems: string[] = []
  for (const { cmd, id, args } of commands) {
    const apply = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined
    const element = root.querySelector<HTMLElement>(`[data-nx-id="${CSS.escape(id)}"]`)
    if (!apply) problems.push(`$view.${cmd}: the studio knows ${Object.keys(COMMANDS).join(', ')}`)
    else if (!element) problems.push(`$view.${cmd}("${id}"): no component has id "${id}"`)
    else apply(element, args)
  }
  return problems
}
