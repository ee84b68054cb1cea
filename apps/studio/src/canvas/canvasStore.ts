import { create } from 'zustand'
import type { PanelSummary } from '@nexus/protocol'
import { arrange, sameCells, type Cells } from './grid.ts'
import type { Viewport } from './viewport.ts'

/** A card as the workspace channel describes it: the panel's title, version and saved layout. */
export interface CardInfo extends Cells {
  id: string
  title: string
  version: number
}

export type CardMode = 'normal' | 'minimised' | 'fullscreen'

/** The last deletion, restorable from the toast until the next one. */
export interface Deletion {
  ids: string[]
  titles: string[]
}

interface CanvasState {
  /** Whether the workspace channel's first snapshot came. */
  loaded: boolean
  cards: Record<string, CardInfo>
  /** Card ids in list order (the kernel's creation order); new ones at the end. */
  order: string[]
  /** Where each card is shown (see `arrange`); an unchanged card keeps the same object. */
  shown: Record<string, Cells>
  selected: ReadonlySet<string>
  modes: Record<string, CardMode>
  fullscreen: string | undefined
  viewport: Viewport
  viewSize: { width: number; height: number }
  deletion: Deletion | undefined
  problem: string | undefined
  /** The New panel dialog is open. */
  creating: boolean
}

const initial: CanvasState = {
  loaded: false,
  cards: {},
  order: [],
  shown: {},
  selected: new Set(),
  modes: {},
  fullscreen: undefined,
  viewport: { x: 24, y: 24, zoom: 1 },
  viewSize: { width: 0, height: 0 },
  deletion: undefined,
  problem: undefined,
  creating: false,
}

/** The canvas slice: cards from the `workspace:<id>` channel, selection, modes and the viewport. */
export const useCanvas = create<CanvasState>(() => initial)

/**
 * Layouts this tab holds against what the channel says: a card being dragged, or one whose PATCH is in
 * flight (its own echo, or an older one, must not move it back meanwhile).
 */
const held = new Map<string, Cells>()

export function holdLayout(id: string, cells: Cells): void {
  held.set(id, cells)
}

export function releaseLayout(id: string): void {
  held.delete(id)
}

function card(summary: PanelSummary): CardInfo {
  const { id, title, version, x, y, w, h } = summary
  const hold = held.get(id)
  return { id, title, version, ...(hold ?? { x, y, w, h }) }
}

function withShown(state: Pick<CanvasState, 'cards' | 'order' | 'shown'>): Record<string, Cells> {
  const placed = arrange(state.order.map((id) => state.cards[id]!))
  const shown: Record<string, Cells> = {}
  for (const [id, cells] of placed) {
    const before = state.shown[id]
    shown[id] = before && sameCells(before, cells) ? before : cells
  }
  return shown
}

function setCards(cards: Record<string, CardInfo>, order: string[]): void {
  const state = useCanvas.getState()
  const selected = new Set([...state.selected].filter((id) => cards[id]))
  const fullscreen = state.fullscreen && cards[state.fullscreen] ? state.fullscreen : undefined
  useCanvas.setState({ cards, order, shown: withShown({ cards, order, shown: state.shown }), selected, fullscreen })
}

/** The channel's snapshot: every live panel of the workspace. */
export function replaceCards(summaries: readonly PanelSummary[]): void {
  const cards: Record<string, CardInfo> = {}
  for (const s of summaries) cards[s.id] = card(s)
  setCards(
    cards,
    summaries.map((s) => s.id),
  )
  useCanvas.setState({ loaded: true })
}

/** A panel appeared or changed (title, version, layout); a held layout stays. */
export function upsertCard(summary: PanelSummary): void {
  const { cards, order } = useCanvas.getState()
  const next = card(summary)
  const before = cards[summary.id]
  if (before && sameCells(before, next) && before.title === next.title && before.version === next.version) return
  setCards({ ...cards, [summary.id]: next }, before ? order : [...order, summary.id])
}

export function removeCard(id: string): void {
  const { cards, order } = useCanvas.getState()
  if (!cards[id]) return
  const rest = { ...cards }
  delete rest[id]
  setCards(
    rest,
    order.filter((o) => o !== id),
  )
}

/** This tab moved or resized cards: shown at once, before the kernel confirms. */
export function placeCards(layouts: ReadonlyMap<string, Cells>): void {
  const { cards, order } = useCanvas.getState()
  const next = { ...cards }
  for (const [id, cells] of layouts) if (next[id]) next[id] = { ...next[id], ...cells }
  setCards(next, order)
}

export function select(ids: Iterable<string>, add = false): void {
  const selected = new Set(add ? useCanvas.getState().selected : [])
  for (const id of ids) selected.add(id)
  useCanvas.setState({ selected })
}

export function toggleSelected(id: string): void {
  const selected = new Set(useCanvas.getState().selected)
  if (selected.has(id)) selected.delete(id)
  else selected.add(id)
  useCanvas.setState({ selected })
}

export function setMode(id: string, mode: CardMode): void {
  const { modes, fullscreen } = useCanvas.getState()
  const next = { ...modes, [id]: mode }
  if (fullscreen && fullscreen !== id && mode === 'fullscreen') next[fullscreen] = 'normal'
  useCanvas.setState({
    modes: next,
    fullscreen: mode === 'fullscreen' ? id : fullscreen === id ? undefined : fullscreen,
  })
}

export function setViewport(viewport: Viewport): void {
  useCanvas.setState({ viewport })
}

/** Leaves the workspace: nothing of it stays for the next one (a New panel asked for on the way in stays open). */
export function resetCanvas(): void {
  held.clear()
  const { viewSize, creating } = useCanvas.getState()
  useCanvas.setState({ ...initial, viewSize, creating })
}

/** The kernel's answer to this tab's PATCH: the layout it saved. */
export function upsertCardLayout(id: string, layout: Cells): void {
  const before = useCanvas.getState().cards[id]
  if (before && !sameCells(before, layout)) placeCards(new Map([[id, layout]]))
}
