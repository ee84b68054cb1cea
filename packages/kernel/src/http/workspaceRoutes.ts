import { Router } from 'express'
import { AddMemberRequestSchema, CreateWorkspaceRequestSchema, SetRoleRequestSchema } from '@nexus/protocol'
import type { AccountService } from '../accounts/AccountService.ts'
import { requirePrincipal } from './auth.ts'
import { parseBody } from './parseBody.ts'

/** Workspaces and their members: `/api/workspaces/*`. Owners manage members; anyone may leave. */
export function workspaceRoutes(accounts: AccountService): Router {
  const router = Router()
  const repo = accounts.repository

  router.get('/workspaces', async (req, res) => {
    res.json({ workspaces: await repo.listWorkspaces(requirePrincipal(req).userId) })
  })

  router.post('/workspaces', async (req, res) => {
    const principal = requirePrincipal(req)
    const { name } = parseBody(CreateWorkspaceRequestSchema, req)
    res.status(201).json(await accounts.createWorkspace(principal.userId, name))
  })

  router.get('/workspaces/:id', async (req, res) => {
    const role = await accounts.requireRole(requirePrincipal(req), req.params.id, 'viewer')
    res.json({ ...(await repo.findWorkspace(req.params.id)), role })
  })

  router.get('/workspaces/:id/members', async (req, res) => {
    res.json(await accounts.listMembers(requirePrincipal(req), req.params.id))
  })

  // The same answer whether or not the e-mail has an account: unknown ones become pending invitations.
  router.post('/workspaces/:id/members', async (req, res) => {
    const { email, role } = parseBody(AddMemberRequestSchema, req)
    res.status(201).json(await accounts.inviteMember(requirePrincipal(req), req.params.id, email, role))
  })

  router.delete('/workspaces/:id/invitations/:email', async (req, res) => {
    await accounts.cancelInvitation(requirePrincipal(req), req.params.id, req.params.email)
    res.status(204).end()
  })

  router.patch('/workspaces/:id/members/:userId', async (req, res) => {
    const { role } = parseBody(SetRoleRequestSchema, req)
    await accounts.setMemberRole(requirePrincipal(req), req.params.id, req.params.userId, role)
    res.json({ userId: req.params.userId, role })
  })

  router.delete('/workspaces/:id/members/:userId', async (req, res) => {
    await accounts.removeMember(requirePrincipal(req), req.params.id, req.params.userId)
    res.status(204).end()
  })

  return router
}
