import { runCommand } from './commands.ts'
import { useUi } from './uiStore.ts'

/** One line of the help sheet: keys (each entry one key or a sequence step) and what they do. */
export interface Shortcut {
  keys: string[]
  what: string
  /** Runs while typing in an input or the editor too (only chords with Ctrl/⌘). */
  anywhere?: boolean
}

/** The shell's shortcuts, as the help sheet lists them; sequences ("G then C") are Linear's. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['Mod', 'K'], what: 'Open the command palette', anywhere: true },
  { keys: ['?'], what: 'Show keyboard shortcuts' },
  { keys: ['Mod', '/'], what: 'Show keyboard shortcuts' },
  { keys: ['G', 'C'], what: 'Go to the canvas' },
  { keys: ['G', 'G'], what: 'Go to the graph' },
  { keys: ['G', 'S'], what: 'Go to settings' },
  { keys: ['N'], what: 'New panel' },
  { keys: ['Shift', 'T'], what: 'Switch theme (system, light, dark)' },
  { keys: ['Esc'], what: 'Close a dialog' },
]

/** Where a key press is text for the page (an input, a textarea, the NXML editor), not a shortcut. */
export function isTyping(event: KeyboardEvent): boolean {
  // The editor lives in a shadow root: the composed path holds its contenteditable.
  for (const target of event.composedPath()) {
    if (!(target instanceof HTMLElement)) continue
    if (target.isContentEditable) return true
    if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
    if (target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit'].includes(target.type))
      return true
  }
  return false
}

const SEQUENCES: Record<string, string> = { c: 'nav.canvas', g: 'nav.graph', s: 'nav.settings' }
const SEQUENCE_MS = 1500

/**
 * The shell's global keys on `window`: Ctrl/⌘+K everywhere; the rest only when not typing and no dialog is
 * open (a dialog handles its own keys). Answers the function that removes the listener.
 */
export function bindShortcuts(): () => void {
  let pendingG = 0
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing) return
    const mod = event.ctrlKey || event.metaKey
    const key = event.key.toLowerCase()
    const ui = useUi.getState()
    if (mod && !event.altKey && key === 'k') {
      event.preventDefault()
      if (ui.dialog === 'palette') ui.closeDialog()
      else ui.openDialog('palette')
      return
    }
    if (ui.dialog || isTyping(event)) return
    if (mod && key === '/') {
      event.preventDefault()
      ui.openDialog('shortcuts')
      return
    }
    if (mod || event.altKey) return
    if (event.key === '?') {
      event.preventDefault()
      ui.openDialog('shortcuts')
    } else if (pendingG && Date.now() - pendingG < SEQUENCE_MS && SEQUENCES[key]) {
      pendingG = 0
      event.preventDefault()
      runCommand(SEQUENCES[key]!)
    } else if (key === 'g' && !event.shiftKey) {
      pendingG = Date.now()
    } else if (key === 'n' && !event.shiftKey) {
      event.preventDefault()
      runCommand('panel.new')
    } else if (event.key === 'T' && event.shiftKey) {
      event.preventDefault()
      runCommand('view.theme')
    }
  }
  window.addEventListener('keydown', onKeyDown)
  return () => window.removeEventListener('keydown', onKeyDown)
}
