import { useStudio } from '../store.ts'
import { duplicatePanel, restorePanel, saveLayout, trashPanel } from './canvasApi.ts'
import {
  holdLayout,
  placeCards,
  releaseLayout,
  select,
  setViewport,
  upsertCardLayout,
  useCanvas,
} from './canvasStore.ts'
import { boundsOf, CELL, clamp, freeSpot, sameCells, type Cells } from './grid.ts'
import { fitTo, MAX_ZOOM, visibleRect, zoomAt, ZOOM_STEP } from './viewport.ts'

// What the canvas does, apart from gestures: layout saves, delete/undo, duplicate, nudge, zoom.

function report(error: unknown): void {
  useCanvas.setState({ problem: (error as Error).message })
}

/**
 * Shows `layouts` at once and saves them (PATCH each). Cards still at a spot `arrange` chose are saved
 * with it too, so the arrangement a person saw stays when they first move something.
 */
export function commitLayouts(layouts: Map<string, Cells>): Promise<void> {
  const { cards, order, shown } = useCanvas.getState()
  for (const id of order) {
    const place = shown[id]
    if (place && !layouts.has(id) && !sameCells(cards[id]!, place)) layouts.set(id, place)
  }
  for (const [id, cells] of layouts) holdLayout(id, cells)
  placeCards(layouts)
  return Promise.all(
    [...layouts].map(([id, cells]) =>
      saveLayout(id, cells).then(
        (answer) => {
          releaseLayout(id)
          upsertCardLayout(id, answer.layout)
        },
        (error: unknown) => {
          releaseLayout(id)
          report(error)
        },
      ),
    ),
  ).then(() => undefined)
}

export function nudgeSelection(dx: number, dy: number): void {
  const { selected, shown } = useCanvas.getState()
  const layouts = new Map<string, Cells>()
  for (const id of selected) {
    const c = shown[id]
    if (c) layouts.set(id, { ...c, x: clamp(c.x + dx, 0, 10_000), y: clamp(c.y + dy, 0, 10_000) })
  }
  if (layouts.size > 0) void commitLayouts(layouts)
}

/** The selected panels go to the kernel's trash; the toast's Undo brings them back. */
export async function deleteSelection(): Promise<void> {
  const { selected, cards } = useCanvas.getState()
  const ids = [...selected].filter((id) => cards[id])
  if (ids.length === 0) return
  const titles = ids.map((id) => cards[id]!.title)
  const done = await Promise.allSettled(ids.map((id) => trashPanel(id)))
  const trashed = ids.filter((_, i) => done[i]!.status === 'fulfilled')
  const failed = done.find((d) => d.status === 'rejected')
  if (failed) report(failed.reason)
  if (trashed.length > 0)
    useCanvas.setState({ deletion: { ids: trashed, titles: titles.filter((_, i) => done[i]!.status === 'fulfilled') } })
}

export async function undoDeletion(): Promise<void> {
  const deletion = useCanvas.getState().deletion
  if (!deletion) return
  useCanvas.setState({ deletion: undefined })
  const done = await Promise.allSettled(deletion.ids.map((id) => restorePanel(id)))
  const failed = done.find((d) => d.status === 'rejected')
  if (failed) report(failed.reason)
  select(deletion.ids.filter((_, i) => done[i]!.status === 'fulfilled'))
}

/** Copies of the selected panels (state included), one cell down and right of each, then selected. */
export async function duplicateSelection(): Promise<void> {
  const { selected, shown } = useCanvas.getState()
  const ids = [...selected]
  const copies = await Promise.allSettled(ids.map((id) => duplicatePanel(id)))
  const layouts = new Map<string, Cells>()
  copies.forEach((copy, i) => {
    const from = shown[ids[i]!]
    if (copy.status === 'fulfilled' && from) layouts.set(copy.value.id, { ...from, x: from.x + 1, y: from.y + 1 })
    if (copy.status === 'rejected') report(copy.reason)
  })
  for (const [id, cells] of layouts) holdLayout(id, cells)
  select(layouts.keys())
  // The copy's own layout is its source's saved one plus a cell; save it where this tab shows the source.
  await Promise.all(
    [...layouts].map(([id, cells]) =>
      saveLayout(id, cells).then(
        () => releaseLayout(id),
        (error: unknown) => {
          releaseLayout(id)
          report(error)
        },
      ),
    ),
  )
}

/** A spot for the new card `id` of `w × h`: free (of every other card), and in view when the view has room. */
export function spotInView(id: string, w: number, h: number): Cells {
  const { shown: all, viewport, viewSize } = useCanvas.getState()
  const shown = { ...all }
  delete shown[id] // the channel may have shown it already, on a spot `arrange` chose
  const view = visibleRect(viewport, viewSize)
  const from = { x: Math.max(0, Math.ceil(view.x / CELL)), y: Math.max(0, Math.ceil(view.y / CELL)) }
  return freeSpot(Object.values(shown), w, h, from, Math.floor(view.w / CELL))
}

export function zoomBy(factor: number): void {
  const { viewport, viewSize } = useCanvas.getState()
  setViewport(zoomAt(viewport, factor, { x: viewSize.width / 2, y: viewSize.height / 2 }))
}

export function zoomIn(): void {
  zoomBy(ZOOM_STEP)
}

export function zoomOut(): void {
  zoomBy(1 / ZOOM_STEP)
}

export function resetZoom(): void {
  zoomBy(1 / useCanvas.getState().viewport.zoom)
}

/** Every card in view (or the selection, when `selection`), zoomed in no further than `maxZoom`. */
export function zoomToFit(selection = false, maxZoom = MAX_ZOOM): void {
  const { shown, selected, viewSize } = useCanvas.getState()
  const ids = selection && selected.size > 0 ? [...selected] : Object.keys(shown)
  const cells = boundsOf(ids.map((id) => shown[id]!).filter(Boolean))
  if (!cells) return
  setViewport(
    fitTo({ x: cells.x * CELL, y: cells.y * CELL, w: cells.w * CELL, h: cells.h * CELL }, viewSize, 48, maxZoom),
  )
}

export function openPanel(id: string): void {
  useStudio.getState().navigate({ page: 'panel', panelId: id })
}
