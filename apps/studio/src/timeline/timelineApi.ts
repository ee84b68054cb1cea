import {
  AnomaliesResponseSchema,
  DiffResponseSchema,
  FailureReplayResponseSchema,
  MembersResponseSchema,
  ReplayResponseSchema,
  StateAtResponseSchema,
  TimelineResponseSchema,
} from '@nexus/protocol'
import { request } from '../api.ts'

// Time travel's calls to the kernel's history routes; every answer checked against its protocol schema.

/** The newest `last` events of the panel's timeline, oldest first. */
export function loadTimeline(panelId: string, last = 500) {
  return request(TimelineResponseSchema, `/api/panels/${panelId}/timeline?last=${last}`)
}

/** The panel's state as TriLog rebuilds it at `at` (ms). */
export function loadStateAt(panelId: string, at: number) {
  return request(StateAtResponseSchema, `/api/panels/${panelId}/state?at=${at}`)
}

/** RFC 6902 ops from the state at `from` to the state at `to`. */
export function loadDiff(panelId: string, from: number, to: number) {
  return request(DiffResponseSchema, `/api/panels/${panelId}/diff?from=${from}&to=${to}`)
}

/** How far back "recent" runs go when their error rate is compared with the rest of the day's. */
const RECENT_MS = 15 * 60_000

/** Per-tool baselines and anomaly flags over the last day: slow runs, and a recent rise in failures. */
export function loadAnomalies(panelId: string, now = Date.now()) {
  return request(AnomaliesResponseSchema, `/api/panels/${panelId}/anomalies?recentFrom=${now - RECENT_MS}`)
}

/** Re-runs the handler that made `version` from its record; the answer compares replayed and recorded ops. */
export function replayChange(panelId: string, version: number) {
  return request(ReplayResponseSchema, `/api/panels/${panelId}/changes/${version}/replay`, {
    method: 'POST',
    body: '{}',
  })
}

/** Re-runs a failed run (`trigger_failed` at `ts`/`seq`) as a dry run: does it still fail the same way? */
export function replayFailure(panelId: string, ts: number, seq: number) {
  return request(FailureReplayResponseSchema, `/api/panels/${panelId}/failures/${ts}/${seq}/replay`, {
    method: 'POST',
    body: '{}',
  })
}

/** The workspace's members, to show who made a change by name. */
export function loadMembers(workspaceId: string) {
  return request(MembersResponseSchema, `/api/workspaces/${workspaceId}/members`)
}
