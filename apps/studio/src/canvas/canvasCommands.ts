/// <reference types="vite/client" />
import { useEffect } from 'react'
import {
  deleteSelection,
  duplicateSelection,
  resetZoom,
  undoDeletion,
  zoomIn,
  zoomOut,
  zoomToFit,
} from './canvasActions.ts'
import { select, setMode, useCanvas } from './canvasStore.ts'
import { openNewPanel } from './NewPanelDialog.tsx'
import { registerCommands } from '../shell/commands.ts'
import { useStudio } from '../store.ts'

/** The shape of the shell's palette command (`shell/commands.ts` `Command`), so the list registers as is. */
export interface CanvasCommand {
  id: string
  title: string
  group: string
  shortcut?: string[]
  keywords?: string
  disabled?: string
  run(): void
}

/**
 * The canvas's commands for the palette, for the current selection and role (`panel.new` is registered
 * apart, see `useCanvasCommands`).
 */
export function canvasCommands(canEdit: boolean): CanvasCommand[] {
  const { selected, deletion } = useCanvas.getState()
  const none = selected.size === 0 ? 'Select a card first' : undefined
  const viewer = canEdit ? undefined : 'Viewers cannot change the canvas'
  const one = selected.size === 1 ? [...selected][0] : undefined
  return [
    { id: 'canvas.fit', title: 'Zoom to fit', group: 'Canvas', shortcut: ['Shift', '1'], run: () => zoomToFit() },
    { id: 'canvas.zoom-in', title: 'Zoom in', group: 'Canvas', shortcut: ['+'], run: zoomIn },
    { id: 'canvas.zoom-out', title: 'Zoom out', group: 'Canvas', shortcut: ['−'], run: zoomOut },
    { id: 'canvas.zoom-reset', title: 'Zoom to 100%', group: 'Canvas', shortcut: ['0'], run: resetZoom },
    {
      id: 'canvas.select-all',
      title: 'Select all cards',
      group: 'Canvas',
      shortcut: ['Ctrl', 'A'],
      run: () => select(useCanvas.getState().order),
    },
    {
      id: 'canvas.duplicate',
      title: 'Duplicate selected panels',
      group: 'Canvas',
      shortcut: ['Ctrl', 'D'],
      keywords: 'copy clone',
      disabled: viewer ?? none,
      run: () => void duplicateSelection(),
    },
    {
      id: 'canvas.delete',
      title: 'Delete selected panels',
      group: 'Canvas',
      shortcut: ['Del'],
      keywords: 'trash remove',
      disabled: viewer ?? none,
      run: () => void deleteSelection(),
    },
    {
      id: 'canvas.undo-delete',
      title: 'Undo delete',
      group: 'Canvas',
      shortcut: ['Ctrl', 'Z'],
      keywords: 'restore trash',
      disabled: deletion ? undefined : 'Nothing deleted',
      run: () => void undoDeletion(),
    },
    {
      id: 'canvas.fullscreen',
      title: 'Fullscreen selected card',
      group: 'Canvas',
      shortcut: ['F'],
      disabled: one ? undefined : 'Select one card',
      run: () => one && setMode(one, 'fullscreen'),
    },
  ]
}

/** From any page: home, with the New panel dialog open (it opens when the canvas mounts, see `resetCanvas`). */
function newPanelAnywhere(): void {
  const { navigate, workspaces, workspaceId } = useStudio.getState()
  const role = workspaces.find((w) => w.id === workspaceId)?.role
  navigate({ page: 'workspace' })
  if (role === 'owner' || role === 'editor') openNewPanel()
}

let unregisterNewPanel: (() => void) | undefined

/**
 * Registers the canvas's commands in the palette while the canvas is shown, current with the selection.
 * `panel.new` outlives the canvas (registered again, so newest, at each mount): the shell's default looks for
 * an editor on the home page, and the canvas keeps its editor in a dialog.
 */
export function useCanvasCommands(canEdit: boolean): void {
  const selected = useCanvas((s) => s.selected)
  const deletion = useCanvas((s) => s.deletion)
  useEffect(() => registerCommands(canvasCommands(canEdit)), [canEdit, selected, deletion])
  useEffect(() => {
    // After this commit's effects: the shell, a parent, registers its default in its own effect, after ours.
    const timer = setTimeout(() => {
      unregisterNewPanel?.()
      unregisterNewPanel = registerCommands([
        {
          id: 'panel.new',
          title: 'New panel',
          group: 'Canvas',
          shortcut: ['N'],
          keywords: 'create add',
          run: newPanelAnywhere,
        },
      ])
    })
    return () => clearTimeout(timer)
  }, [])
}
