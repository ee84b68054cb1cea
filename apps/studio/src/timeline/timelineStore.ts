import type { AnomalyFlag, JsonObject, PatchOp } from '@nexus/protocol'
import { create } from 'zustand'
import { ApiError } from '../api.ts'
import {
  loadAnomalies,
  loadDiff,
  loadMembers,
  loadStateAt,
  loadTimeline,
  replayChange,
  replayFailure,
} from './timelineApi.ts'
import { diffLines, toMoments, type DiffLine, type Moment } from './timelineModel.ts'

/** An answer being fetched, fetched, or failed (the message is shown to the user). */
export type Loadable<T> =
  { status: 'idle' } | { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; message: string }

export interface PastState {
  at: number
  state: JsonObject
  /** Changes TriLog could not replay (a damaged log): the state is the last good one. */
  skipped: number
}

interface RunError {
  code: string
  message: string
}

/** A replay's answer: a change re-run from its record, or a failed run re-run as a dry run. */
export type ReplayView =
  | { kind: 'change'; identical: boolean; recorded: PatchOp[]; replayed: PatchOp[] | null; error?: RunError }
  | { kind: 'failure'; reproduced: boolean; recorded: RunError; replayed: PatchOp[] | null; error?: RunError }

interface TimelineState {
  panelId: string | undefined
  moments: Loadable<Moment[]>
  flags: AnomalyFlag[]
  /** userId → display name, from the workspace's members. */
  names: Record<string, string>
  /** The moment the handle is on; `undefined` is live. */
  selected: string | undefined
  past: Loadable<PastState>
  /** The two moments compared (keys), and their diff. */
  a: string | undefined
  b: string | undefined
  diff: Loadable<{ lines: DiffLine[] }>
  replay: Loadable<ReplayView>
  open(panelId: string, workspaceId: string | undefined): void
  refresh(): Promise<void>
  select(key: string | undefined): void
  mark(side: 'a' | 'b', key: string | undefined): void
}

const message = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e))

/** Time travel's state for the panel page in view; `open` starts over for another panel. */
export const useTimeline = create<TimelineState>((set, get) => {
  // Answers that come back after the user moved on are dropped: each fetch checks its ticket.
  let pastTicket = 0
  let diffTicket = 0
  const moment = (key: string | undefined) => {
    const { moments } = get()
    return moments.status === 'ready' ? moments.value.find((m) => m.key === key) : undefined
  }

  async function fetchPast(key: string | undefined) {
    const ticket = ++pastTicket
    const m = moment(key)
    const panelId = get().panelId
    if (!m || !panelId) return set({ past: { status: 'idle' } })
    set({ past: { status: 'loading' } })
    try {
      const { at, state, skipped } = await loadStateAt(panelId, m.ts)
      if (ticket === pastTicket) set({ past: { status: 'ready', value: { at, state, skipped: skipped.count } } })
    } catch (e) {
      if (ticket === pastTicket) set({ past: { status: 'error', message: message(e) } })
    }
  }

  async function fetchDiff() {
    const ticket = ++diffTicket
    const { a, b, panelId } = get()
    const [from, to] = [moment(a), moment(b)]
    if (!from || !to || !panelId) return set({ diff: { status: 'idle' } })
    set({ diff: { status: 'loading' } })
    try {
      const [{ ops }, before] = await Promise.all([loadDiff(panelId, from.ts, to.ts), loadStateAt(panelId, from.ts)])
      if (ticket === diffTicket) set({ diff: { status: 'ready', value: { lines: diffLines(ops, before.state) } } })
    } catch (e) {
      if (ticket === diffTicket) set({ diff: { status: 'error', message: message(e) } })
    }
  }

  let workspace: string | undefined
  function fetchNames() {
    if (!workspace) return
    // Names are a nicety: without them "who" shows the user id.
    loadMembers(workspace).then(
      ({ members }) => set({ names: Object.fromEntries(members.map((m) => [m.userId, m.name])) }),
      (e: unknown) => console.warn('[timeline] members:', message(e)),
    )
  }

  return {
    panelId: undefined,
    moments: { status: 'idle' },
    flags: [],
    names: {},
    selected: undefined,
    past: { status: 'idle' },
    a: undefined,
    b: undefined,
    diff: { status: 'idle' },
    replay: { status: 'idle' },
    open(panelId, workspaceId) {
      pastTicket++
      diffTicket++
      set({
        panelId,
        moments: { status: 'loading' },
        flags: [],
        selected: undefined,
        past: { status: 'idle' },
        a: undefined,
        b: undefined,
        diff: { status: 'idle' },
        replay: { status: 'idle' },
      })
      void get().refresh()
      workspace = workspaceId
      fetchNames()
    },
    async refresh() {
      const panelId = get().panelId
      if (!panelId) return
      try {
        const [{ entries }, anomalies] = await Promise.all([loadTimeline(panelId), loadAnomalies(panelId)])
        if (get().panelId !== panelId) return
        const moments = toMoments(entries)
        set({ moments: { status: 'ready', value: moments }, flags: anomalies.flags })
        // Someone who joined after the names were read: read them again.
        const { names } = get()
        if (moments.some((m) => m.actor !== undefined && !(m.actor in names))) fetchNames()
      } catch (e) {
        if (get().panelId === panelId) set({ moments: { status: 'error', message: message(e) } })
      }
    },
    select(key) {
      if (key === get().selected) return
      set({ selected: key, replay: { status: 'idle' } })
      void fetchPast(key)
    },
    mark(side, key) {
      set(side === 'a' ? { a: key } : { b: key })
      void fetchDiff()
    },
  }
})

/** Re-runs the selected change's or failure's handler; the result is kept until the handle moves. */
export async function replaySelected(): Promise<void> {
  const { panelId, selected, moments } = useTimeline.getState()
  const m = moments.status === 'ready' ? moments.value.find((x) => x.key === selected) : undefined
  if (!panelId || !m) return
  useTimeline.setState({ replay: { status: 'loading' } })
  try {
    const value: ReplayView =
      m.kind === 'failure'
        ? { kind: 'failure', ...(await replayFailure(panelId, m.ts, m.seq)) }
        : { kind: 'change', ...(await replayChange(panelId, m.seq)) }
    if (useTimeline.getState().selected === selected) useTimeline.setState({ replay: { status: 'ready', value } })
  } catch (e) {
    if (useTimeline.getState().selected === selected)
      useTimeline.setState({ replay: { status: 'error', message: message(e) } })
  }
}
