import { Router, type Request } from 'express'
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
import { KernelError } from '../errors.ts'
import type { PanelService } from '../panels/PanelService.ts'
import { replayChange } from '../panels/replayChange.ts'
import { requirePrincipal } from './auth.ts'

/** A non-negative integer query parameter, or the fallback when absent. */
function intParam(req: Request, name: string, fallback?: number): number {
  const raw = req.query[name]
  if (raw === undefined) {
    if (fallback === undefined) throw new KernelError('BAD_REQUEST', `Pass ?${name}=<integer>`, 400)
    return fallback
  }
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 0)
    throw new KernelError('BAD_REQUEST', `?${name} must be a non-negative integer`, 400)
  return n
}

/** Time travel over TriLog: timeline, diff, who changed a path, the cause of a change, traces, anomalies, replay. */
export function historyRoutes(
  panels: PanelService,
  accounts: AccountService,
  store: TrilogStore,
  telemetry: Trilog,
  sandbox: Sandbox,
): Router {
  const router = Router()

  async function panelFor(req: Request, needed: 'viewer' | 'editor') {
    const panel = await panels.get(req.params.id as string, true).catch(() => undefined)
    await accounts.requireRole(requirePrincipal(req), panel?.workspaceId ?? null, needed)
    return panel!
  }

  router.get('/panels/:id/timeline', async (req, res) => {
    const { id } = await panelFor(req, 'viewer')
    const options = {
      from: intParam(req, 'from', 0),
      to: intParam(req, 'to', Number.MAX_SAFE_INTEGER),
      offset: intParam(req, 'offset', 0),
      limit: Math.min(intParam(req, 'limit', 100), 1000),
      ...(req.query.last === undefined ? {} : { last: Math.min(intParam(req, 'last'), 1000) }),
    }
    res.json(await timeline(store, 'Panel', id, options))
  })

  router.get('/panels/:id/diff', async (req, res) => {
    const { id } = await panelFor(req, 'viewer')
    const from = intParam(req, 'from')
    const to = intParam(req, 'to')
    res.json({ from, to, ops: await diffStates(store, 'Panel', id, from, to) })
  })

  router.get('/panels/:id/who-changed', async (req, res) => {
    const { id } = await panelFor(req, 'viewer')
    const path = typeof req.query.path === 'string' ? req.query.path : ''
    if (path !== '' && !path.startsWith('/'))
      throw new KernelError('BAD_REQUEST', 'path must be a JSON Pointer such as /count', 400)
    const range = { from: intParam(req, 'from', 0), to: intParam(req, 'to', Number.MAX_SAFE_INTEGER) }
    res.json({ path, changes: await whoChanged(store, 'Panel', id, path, range) })
  })

  router.get('/panels/:id/cause', async (req, res) => {
    const { id } = await panelFor(req, 'viewer')
    await telemetry.flush() // spans wait in the batch processor; make this process visible
    const cause = await causeOf(store, 'Panel', id, intParam(req, 'at'))
    if (!cause) throw new KernelError('NOT_FOUND', 'No change at or before that moment', 404)
    res.json(cause)
  })

  router.get('/panels/:id/anomalies', async (req, res) => {
    const { id } = await panelFor(req, 'viewer')
    const to = intParam(req, 'to', Date.now())
    const from = intParam(req, 'from', Math.max(0, to - 24 * 3600 * 1000))
    await telemetry.flush()
    const samples = (await toolSamples(store, from, to)).filter((s) => s.tool.startsWith(`${id}/`))
    const recentFrom = req.query.recentFrom === undefined ? undefined : intParam(req, 'recentFrom')
    res.json(detectAnomalies(samples, { recentFrom }))
  })

  router.post('/panels/:id/changes/:version/replay', async (req, res) => {
    const panel = await panelFor(req, 'editor')
    const version = Number(req.params.version)
    if (!Number.isSafeInteger(version) || version < 1)
      throw new KernelError('BAD_REQUEST', 'version must be a positive integer', 400)
    res.json(await replayChange(store, sandbox, panel.id, panel.ast, version))
  })

  router.get('/traces/:traceId', async (req, res) => {
    const principal = requirePrincipal(req)
    if (!/^[0-9a-f]{32}$/.test(req.params.traceId))
      throw new KernelError('BAD_REQUEST', 'A trace id is 32 hex digits', 400)
    await telemetry.flush()
    const spans = await processSpans(store, req.params.traceId)
    // A trace is visible when every panel it touched is in a workspace the caller can view.
    for (const panelId of new Set(spans.filter((s) => s.objType === 'Panel').map((s) => s.objId))) {
      const panel = await panels.get(panelId, true).catch(() => undefined)
      await accounts.requireRole(principal, panel?.workspaceId ?? null, 'viewer')
    }
    if (spans.length === 0) throw new KernelError('NOT_FOUND', 'No such trace', 404)
    res.json({ traceId: req.params.traceId, spans })
  })

  return router
}
