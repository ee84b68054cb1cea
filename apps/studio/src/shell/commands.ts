import { useSyncExternalStore } from 'react'

/** An action the command palette lists (and a shortcut may run). */
export interface Command {
  /** Registering a command with an existing id overrides it until the newer one is unregistered. */
  id: string
  title: string
  /** The palette's section, e.g. "Navigation", "Workspace", "Canvas". */
  group: string
  /** Keys shown beside it, e.g. `['Ctrl', 'K']`; the shortcut itself is bound by whoever owns it. */
  shortcut?: string[]
  /** More words the palette matches, e.g. "dark light" for the theme toggle. */
  keywords?: string
  /** Why it cannot run now; the palette shows it greyed out with this reason. */
  disabled?: string
  run(): void
}

// Per id, every registration in order; the newest one is the command (a feature can override the shell's
// default, e.g. the canvas's own "New panel", and the default comes back when it unmounts).
const registry = new Map<string, Command[]>()
const listeners = new Set<() => void>()
let snapshot: readonly Command[] = []

function changed(): void {
  snapshot = [...registry.values()].flatMap((stack) => stack.slice(-1))
  for (const listener of listeners) listener()
}

/** The command registered under `id` now (the newest registration), if any. */
export function findCommand(id: string): Command | undefined {
  return registry.get(id)?.at(-1)
}

/**
 * Adds commands to the palette until the returned function is called; features register theirs while mounted.
 *
 * @example useEffect(() => registerCommands([{ id: 'canvas.fit', title: 'Fit canvas', group: 'Canvas', run: fit }]), [fit])
 */
export function registerCommands(commands: readonly Command[]): () => void {
  for (const command of commands) registry.set(command.id, [...(registry.get(command.id) ?? []), command])
  changed()
  return () => {
    for (const command of commands) {
      const stack = (registry.get(command.id) ?? []).filter((c) => c !== command)
      if (stack.length > 0) registry.set(command.id, stack)
      else registry.delete(command.id)
    }
    changed()
  }
}

/** Every registered command, in registration order. */
export function listCommands(): readonly Command[] {
  return snapshot
}

/** Runs a registered command by id; answers false when there is none or it is disabled. */
export function runCommand(id: string): boolean {
  const command = findCommand(id)
  if (!command || command.disabled) return false
  command.run()
  return true
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The registered commands, re-rendering when they change. */
export function useCommands(): readonly Command[] {
  return useSyncExternalStore(subscribe, listCommands)
}
