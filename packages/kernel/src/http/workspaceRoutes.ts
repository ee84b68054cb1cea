import { Router } from 'express'
import { AddMemberRequestSchema, CreateWorkspaceRequestSchema, SetRoleRequestSchema } from '@nexus/protocol'
import type { AccountService } from '../accounts/AccountService.ts'
import { newId } from '../accounts/secrets.ts'
import { KernelError } from '../errors.ts'
import { requirePrincipal } from './auth.ts'
import { parseBody } from './parseBody.ts'

/** Workspaces and their members: `/api/workspaces/*`. Owners manage members; anyone may leave. */
export function workspaceRoutes(accounts: AccountService, clock: () => number): Router {
  const router = Router()
  const repo = accounts.repository

  router.get('/workspaces', async (req, res) => {
    res.json({ workspaces: await repo.listWorkspaces(requirePrincipal(req).userId) })
  })

  router.post('/workspaces', async (req, res) => {
    const principal = requirePrincipal(req)
    const { name } = parseBody(CreateWorkspaceRequestSchema, req)
    const workspace = { id: newId(), name, createdAt: clock() }
    await repo.createWorkspace(workspace, principal.userId)
    res.status(201).json({ ...workspace, role: 'owner' })
  })

  router.get('/workspaces/:id', async (req, res) => {
    const role = await accounts.requireRole(requirePrincipal(req), req.params.id, 'viewer')
    res.json({ ...(await repo.findWorkspace(req.params.id)), role })
  })

  router.get('/workspaces/:id/members', async (req, res) => {
    await accounts.requireRole(requirePrincipal(req), req.params.id, 'viewer')
    res.json({ members: await repo.listMembers(req.params.id) })
  })

  router.post('/workspaces/:id/members', async (req, res) => {
    await accounts.requireRole(requirePrincipal(req), req.params.id, 'owner')
    const { email, role } = parseBody(AddMemberRequestSchema, req)
    const user = await repo.findUserByEmail(email)
    if (!user) throw new KernelError('USER_NOT_FOUND', `No account for ${email}; ask them to register first`, 404)
    if (!(await repo.addMember(req.params.id, user.id, role, clock()))) {
      throw new KernelError('ALREADY_MEMBER', `${email} is already a member; change their role instead`, 409)
    }
    res.status(201).json({ userId: user.id, email: user.email, name: user.name, role })
  })

  router.patch('/workspaces/:id/members/:userId', async (req, res) => {
    await accounts.requireRole(requirePrincipal(req), req.params.id, 'owner')
    const { role } = parseBody(SetRoleRequestSchema, req)
    if (!(await repo.setRole(req.params.id, req.params.userId, role)))
      throw memberRefused(await repo.roleOf(req.params.id, req.params.userId))
    res.json({ userId: req.params.userId, role })
  })

  router.delete('/workspaces/:id/members/:userId', async (req, res) => {
    const principal = requirePrincipal(req)
    const leaving = principal.userId === req.params.userId
    await accounts.requireRole(principal, req.params.id, leaving ? 'viewer' : 'owner')
    if (!(await repo.removeMember(req.params.id, req.params.userId)))
      throw memberRefused(await repo.roleOf(req.params.id, req.params.userId))
    res.status(204).end()
  })

  return router
}

function memberRefused(role: string | undefined): KernelError {
  return role === undefined
    ? new KernelError('NOT_FOUND', 'That user is not a member of this workspace', 404)
    : new KernelError('LAST_OWNER', 'A workspace needs at least one owner; make someone else owner first', 409)
}
