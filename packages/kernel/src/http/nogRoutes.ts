import { Router, type Request } from 'express'
import {
  CreateEntitySchema,
  CreatePatchSchema,
  CreateRelationshipSchema,
  NogAtQuerySchema,
  NogBaseVersionQuerySchema,
  NogEntitiesQuerySchema,
  NogGraphQuerySchema,
  NogNeighboursQuerySchema,
  NogPatchesQuerySchema,
  NogPathQuerySchema,
  RejectPatchSchema,
  UpdateEntitySchema,
  UpdateRelationshipSchema,
  type NogPatch,
} from '@nexus/protocol'
import type { TrilogStore } from '@nexus/trilog'
import type { AccountService } from '../accounts/AccountService.ts'
import { KernelError } from '../errors.ts'
import { compileFilter } from '../nog/filter.ts'
import { graphAt } from '../nog/graphHistory.ts'
import type { NogService } from '../nog/NogService.ts'
import { requirePrincipal } from './auth.ts'
import { parseBody } from './parseBody.ts'
import { parseQuery } from './parseQuery.ts'

/** A patch that could not apply is a 409 carrying the recorded patch, so the client sees why. */
function appliedOrThrow(patch: NogPatch): NogPatch {
  if (patch.status !== 'failed') return patch
  throw new KernelError('PATCH_FAILED', `The patch was not applied: ${patch.reason}`, 409, { patch })
}

/**
 * The NOG of a workspace: `/api/workspaces/:id/nog/*`. Viewers read; editors write, propose, approve and
 * reject. Errors are KernelErrors (`BAD_REQUEST`, `NOT_FOUND`, `CONFLICT`, `NOG_DERIVED`, `PATCH_FAILED`…).
 * `GET …/nog/at?t=<ms>` rebuilds the graph as it was at that moment from `history` (TriLog).
 */
export function nogRoutes(nog: NogService, accounts: AccountService, history: TrilogStore): Router {
  const router = Router()
  const base = '/workspaces/:id/nog'

  /** The workspace id after checking the caller's role in it. */
  async function allowed(req: Request, needed: 'viewer' | 'editor') {
    const principal = requirePrincipal(req)
    await accounts.requireRole(principal, String(req.params.id), needed)
    return { workspaceId: String(req.params.id), userId: principal.userId }
  }

  router.get(base, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    res.json(await nog.summary(workspaceId))
  })

  router.get(`${base}/at`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    res.json(await graphAt(history, workspaceId, parseQuery(NogAtQuerySchema, req).t))
  })

  // The whole graph at once, for the studio's graph view; read in one tick, so it is the graph at `version`.
  router.get(`${base}/graph`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    const { limit } = parseQuery(NogGraphQuerySchema, req)
    const index = await nog.index(workspaceId)
    const ids = new Set([...index.entities.keys()].slice(0, limit))
    res.json({ version: index.version, truncated: index.entities.size > ids.size, ...index.induced(ids) })
  })

  router.get(`${base}/entities`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    const query = parseQuery(NogEntitiesQuerySchema, req)
    let filter
    if (query.filter !== undefined) {
      let json: unknown
      try {
        json = JSON.parse(query.filter)
      } catch {
        throw new KernelError('BAD_REQUEST', 'filter is not valid JSON', 400)
      }
      const compiled = compileFilter(json)
      if (!compiled.ok) throw new KernelError('BAD_FILTER', compiled.error, 400)
      filter = compiled.value
    }
    const { category, tag, q: text, limit } = query
    const entities = await nog.findEntities(workspaceId, { category, tag, text, filter, limit })
    res.json({ version: (await nog.index(workspaceId)).version, entities })
  })

  router.post(`${base}/entities`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'editor')
    res.status(201).json(await nog.createEntity(workspaceId, parseBody(CreateEntitySchema, req)))
  })

  router.get(`${base}/entities/:entityId`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    const entity = await nog.getEntity(workspaceId, req.params.entityId)
    res.json({ entity, relationships: await nog.relationshipsOf(workspaceId, entity.id) })
  })

  router.patch(`${base}/entities/:entityId`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'editor')
    res.json(await nog.updateEntity(workspaceId, req.params.entityId, parseBody(UpdateEntitySchema, req)))
  })

  router.delete(`${base}/entities/:entityId`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'editor')
    const { baseVersion } = parseQuery(NogBaseVersionQuerySchema, req)
    const { version } = await nog.deleteEntity(workspaceId, req.params.entityId, baseVersion)
    res.json({ version })
  })

  router.get(`${base}/entities/:entityId/neighbours`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    const { depth, types } = parseQuery(NogNeighboursQuerySchema, req)
    res.json(await nog.neighbours(workspaceId, req.params.entityId, depth, types))
  })

  router.get(`${base}/path`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    const { from, to } = parseQuery(NogPathQuerySchema, req)
    const path = await nog.shortestPath(workspaceId, from, to)
    if (!path) throw new KernelError('NO_PATH', `"${from}" and "${to}" are not connected`, 404)
    res.json(path)
  })

  router.get(`${base}/panels/:panelId`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    res.json(await nog.panelSubgraph(workspaceId, req.params.panelId))
  })

  router.post(`${base}/relationships`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'editor')
    res.status(201).json(await nog.createRelationship(workspaceId, parseBody(CreateRelationshipSchema, req)))
  })

  router.get(`${base}/relationships/:relId`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    res.json({ relationship: await nog.getRelationship(workspaceId, req.params.relId) })
  })

  router.patch(`${base}/relationships/:relId`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'editor')
    res.json(await nog.updateRelationship(workspaceId, req.params.relId, parseBody(UpdateRelationshipSchema, req)))
  })

  router.delete(`${base}/relationships/:relId`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'editor')
    const { baseVersion } = parseQuery(NogBaseVersionQuerySchema, req)
    const { version } = await nog.deleteRelationship(workspaceId, req.params.relId, baseVersion)
    res.json({ version })
  })

  router.get(`${base}/patches`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    const { status, limit } = parseQuery(NogPatchesQuerySchema, req)
    res.json({ patches: await nog.listPatches(workspaceId, status, limit) })
  })

  router.post(`${base}/patches`, async (req, res) => {
    const { workspaceId, userId } = await allowed(req, 'editor')
    const patch = appliedOrThrow(await nog.submitPatch(workspaceId, parseBody(CreatePatchSchema, req), userId))
    res.status(201).json(patch)
  })

  router.get(`${base}/patches/:patchId`, async (req, res) => {
    const { workspaceId } = await allowed(req, 'viewer')
    res.json(await nog.getPatch(workspaceId, req.params.patchId))
  })

  router.post(`${base}/patches/:patchId/approve`, async (req, res) => {
    const { workspaceId, userId } = await allowed(req, 'editor')
    res.json(appliedOrThrow(await nog.approvePatch(workspaceId, req.params.patchId, userId)))
  })

  router.post(`${base}/patches/:patchId/reject`, async (req, res) => {
    const { workspaceId, userId } = await allowed(req, 'editor')
    const { reason } = req.body === undefined ? { reason: '' } : parseBody(RejectPatchSchema, req)
    res.json(await nog.rejectPatch(workspaceId, req.params.patchId, userId, reason))
  })

  return router
}
