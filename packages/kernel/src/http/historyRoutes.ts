import { Router, type Request } from 'express'
import {
  AnomaliesQuerySchema,
  CauseQuerySchema,
  DiffQuerySchema,
  TimelineQuerySchema,
  WhoChangedQuerySchema,
} from '@nexus/protocol'
import type { Sandbox } from '@nexus/sandbox'
import {
  causeOf,
  detectAnomalies,
  diffStates,
  processSpans,
  timeline,
  toolSamples,
  whoChanged,
  type Trilog,
  type TrilogStore,
} from '@nexus/trilog'
import type { AccountService } from '../accounts/AccountService.ts'
import { KernelError, unlessNotFound } from '../errors.ts'
import type { PanelService } from '../panels/PanelService.ts'
import { replayChange } from '../panels/replayChange.ts'
import { replayFailure } from '../panels/replayFailure.ts'
import { requirePrincipal } from './auth.ts'
import { parseQuery } from './parseQuery.ts'

/** Time travel over TriLog: timeline, diff, who changed a path, the cause of a change, traces, anomalies, replay (of a change or a failed run). */
export function historyRoutes(
  panels: PanelService,
  accounts: AccountService,
  store: TrilogStore,
  telemetry: Trilog,
  sandbox: Sandbox,
  clock: () => number,
): Router {
  const router = Router()

  /** The panel after checking the caller's role; missing and not-yours answer alike, a failed load is a 500. */
  async function panelFor(req: Request, needed: 'viewer' | 'editor') {
    const panel = await unlessNotFound(panels.get(req.params.id as string, true))
    await accounts.requireRole(requirePrincipal(req), panel?.workspaceId ?? null, needed)
    return panel!
  }

  router.get('/panels/:id/timeline', async (req, res) => {
    const { id } = await panelFor(req, 'viewer')
    const { last, ...page } = parseQuery(TimelineQuerySchema, req)
    res.json(await timeline(store, 'Panel', id, last === undefined ? page : { ...page, last }))
  })

  router.get('/panels/:id/diff', async (req, res) => {
    const { id } = await panelFor(req, 'viewer')
    const { from, to } = parseQuery(DiffQuerySchema, req)
    res.json({ from, to, ops: await diffStates(store, 'Panel', id, from, to) })
  })

  router.get('/panels/:id/who-changed', async (req, res) => {
    const { id } = await panelFor(req, 'viewer')
    const { path, ...range } = parseQuery(WhoChangedQuerySchema, req)
    res.json({ path, changes: await whoChanged(store, 'Panel', id, path, range) })
  })

  router.get('/panels/:id/cause', async (req, res) => {
    const { id } = await panelFor(req, 'viewer')
    const { at } = parseQuery(CauseQuerySchema, req)
    await telemetry.flush() // spans wait in the batch processor; make this process visible
    const cause = await causeOf(store, 'Panel', id, at)
    if (!cause) throw new KernelError('NOT_FOUND', 'No change at or before that moment', 404)
    res.json(cause)
  })

  router.get('/panels/:id/anomalies', async (req, res) => {
    const { id } = await panelFor(req, 'viewer')
    const query = parseQuery(AnomaliesQuerySchema, req)
    const to = query.to ?? clock()
    const from = query.from ?? Math.max(0, to - 24 * 3600 * 1000)
    const { recentFrom } = query
    await telemetry.flush()
    const samples = (await toolSamples(store, from, to)).filter((s) => s.tool.startsWith(`${id}/`))
    res.json(detectAnomalies(samples, { recentFrom }))
  })

  router.post('/panels/:id/changes/:version/replay', async (req, res) => {
    const panel = await panelFor(req, 'editor')
    const version = Number(req.params.version)
    if (!Number.isSafeInteger(version) || version < 1)
      throw new KernelError('BAD_REQUEST', 'version must be a positive integer', 400)
    res.json(await replayChange(store, sandbox, panel.id, panel.ast, version))
  })

  // A failed run, re-run as a dry run: does it still fail the same way?
  router.post('/panels/:id/failures/:ts/:seq/replay', async (req, res) => {
    const panel = await panelFor(req, 'editor')
    const [ts, seq] = [Number(req.params.ts), Number(req.params.seq)]
    if (!Number.isSafeInteger(ts) || ts < 0 || !Number.isSafeInteger(seq) || seq < 0)
      throw new KernelError('BAD_REQUEST', 'ts and seq must be non-negative integers', 400)
    await telemetry.flush() // a failure is a buffered event
    res.json(await replayFailure(store, sandbox, panel.id, panel.ast, ts, seq))
  })

  router.get('/traces/:traceId', async (req, res) => {
    const principal = requirePrincipal(req)
    if (!/^[0-9a-f]{32}$/.test(req.params.traceId))
      throw new KernelError('BAD_REQUEST', 'A trace id is 32 hex digits', 400)
    await telemetry.flush()
    const spans = await processSpans(store, req.params.traceId)
    // A trace is visible when every panel it touched is in a workspace the caller can view.
    for (const panelId of new Set(spans.filter((s) => s.objType === 'Panel').map((s) => s.objId))) {
      const panel = await unlessNotFound(panels.get(panelId, true))
      await accounts.requireRole(principal, panel?.workspaceId ?? null, 'viewer')
    }
    if (spans.length === 0) throw new KernelError('NOT_FOUND', 'No such trace', 404)
    res.json({ traceId: req.params.traceId, spans })
  })

  return router
}
