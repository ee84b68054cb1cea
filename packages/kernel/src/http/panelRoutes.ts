import { Router } from 'express'
import {
  CreatePanelRequestSchema,
  DuplicatePanelRequestSchema,
  PanelListQuerySchema,
  UpdateNxmlRequestSchema,
  UpdatePanelRequestSchema,
  StateAtQuerySchema,
  TriggerRequestSchema,
  ValidateRequestSchema,
} from '@nexus/protocol'
import { compileNxml, renderPanelToString } from '@nexus/reactor'
import type { AccountService } from '../accounts/AccountService.ts'
import { KernelError, unlessNotFound } from '../errors.ts'
import type { PanelService } from '../panels/PanelService.ts'
import { requirePrincipal } from './auth.ts'
import { parseBody } from './parseBody.ts'
import { parseQuery } from './parseQuery.ts'

/** NXML validation and panels: `/api/nxml/*`, `/api/panels/*`. Viewers read, editors create and trigger. */
export function panelRoutes(panels: PanelService, accounts: AccountService): Router {
  const router = Router()

  /** The panel, after checking the caller's role in its workspace. */
  async function authorised(
    req: Parameters<typeof requirePrincipal>[0],
    id: string,
    needed: 'viewer' | 'editor',
    includeTrashed = false,
  ) {
    const principal = requirePrincipal(req)
    const panel = await unlessNotFound(panels.get(id, includeTrashed))
    // Outsiders get the same answer for "missing" and "not yours".
    await accounts.requireRole(principal, panel?.workspaceId ?? null, needed)
    return panel!
  }

  router.post('/nxml/validate', (req, res) => {
    requirePrincipal(req)
    const { nxml } = parseBody(ValidateRequestSchema, req)
    res.json({ diagnostics: compileNxml(nxml).diagnostics })
  })

  router.get('/panels', async (req, res) => {
    const { userId } = requirePrincipal(req)
    const { workspaceId, trashed } = parseQuery(PanelListQuerySchema, req)
    if (workspaceId) await accounts.requireRole({ userId, via: 'session' }, workspaceId, 'viewer')
    const ids = workspaceId ? [workspaceId] : (await accounts.repository.listWorkspaces(userId)).map((w) => w.id)
    res.json({ panels: await panels.list(ids, trashed) })
  })

  router.post('/panels', async (req, res) => {
    const principal = requirePrincipal(req)
    const body = parseBody(CreatePanelRequestSchema, req)
    const workspaceId = body.workspaceId ?? (await accounts.defaultWorkspace(principal.userId))
    await accounts.requireRole(principal, workspaceId, 'editor')
    const panel = await panels.create(body.nxml, workspaceId)
    const { id, title, version, state } = panel
    res.status(201).json({ id, title, version, state, workspaceId })
  })

  router.get('/panels/:id', async (req, res) => {
    const { id, title, nxml, state, version, workspaceId, x, y, w, h } = await authorised(req, req.params.id, 'viewer')
    res.json({ id, title, nxml, state, version, workspaceId, layout: { x, y, w, h } })
  })

  router.put('/panels/:id/nxml', async (req, res) => {
    await authorised(req, req.params.id, 'editor')
    const { nxml } = parseBody(UpdateNxmlRequestSchema, req)
    res.json(await panels.updateNxml(req.params.id, nxml, req.principal!.userId))
  })

  router.patch('/panels/:id', async (req, res) => {
    await authorised(req, req.params.id, 'editor')
    const { title, layout } = parseBody(UpdatePanelRequestSchema, req)
    if (layout) await panels.setLayout(req.params.id, layout)
    if (title !== undefined) await panels.rename(req.params.id, title, req.principal!.userId)
    const panel = await panels.get(req.params.id)
    const { id, x, y, w, h, version } = panel
    res.json({ id, title: panel.title, version, layout: { x, y, w, h } })
  })

  router.post('/panels/:id/duplicate', async (req, res) => {
    const source = await authorised(req, req.params.id, 'viewer')
    const { workspaceId = source.workspaceId! } = parseBody(DuplicatePanelRequestSchema, req)
    await accounts.requireRole(requirePrincipal(req), workspaceId, 'editor')
    const copy = await panels.duplicate(req.params.id, workspaceId)
    res.status(201).json({ id: copy.id, title: copy.title, version: copy.version, state: copy.state, workspaceId })
  })

  router.delete('/panels/:id', async (req, res) => {
    await authorised(req, req.params.id, 'editor')
    await panels.trash(req.params.id)
    res.status(204).end()
  })

  router.post('/panels/:id/restore', async (req, res) => {
    await authorised(req, req.params.id, 'editor', true)
    await panels.restore(req.params.id)
    res.status(204).end()
  })

  router.get('/panels/:id/html', async (req, res) => {
    const panel = await authorised(req, req.params.id, 'viewer')
    res.type('html').send(renderPanelToString(panel.ast, panel.state))
  })

  router.post('/panels/:id/trigger', async (req, res) => {
    await authorised(req, req.params.id, 'editor')
    const { tool, args } = parseBody(TriggerRequestSchema, req)
    const { version, state } = await panels.trigger(req.params.id, tool, args, req.principal!.userId)
    res.json({ version, state })
  })

  router.get('/panels/:id/state', async (req, res) => {
    await authorised(req, req.params.id, 'viewer')
    const { at } = parseQuery(StateAtQuerySchema, req)
    const { state, skipped } = await panels.replayAt(req.params.id, at)
    if (!state) throw new KernelError('NOT_FOUND', `Panel "${req.params.id}" did not exist at ${at}`, 404)
    // Always present: `skipped.count > 0` says the log is damaged and `state` is the last good one.
    res.json({ at, state, skipped })
  })

  return router
}
