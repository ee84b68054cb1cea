import type { Request } from 'express'
import { KERNEL_SPAN_NAMES, type OtlpAuthorize, type OtlpHandlerOptions } from '@nexus/trilog'
import type { AccountService } from '../accounts/AccountService.ts'
import { KernelError } from '../errors.ts'
import type { PanelService } from '../panels/PanelService.ts'

/** The kernel's OTLP ingest: records only to objects the caller may edit, none in the kernel's own names. */
export function otlpOptions(accounts: AccountService, panels: PanelService): OtlpHandlerOptions {
  return { authorize: otlpAccess(accounts, panels), reservedSpanNames: KERNEL_SPAN_NAMES }
}

/**
 * Who may write OTLP records anchored to an object: the editor role in a Panel's workspace or in a
 * Workspace, only the caller themself for a User. Any other type (WebSocketConnection, …) is the kernel's
 * alone and refused. Runs after `authenticate`, so `req.principal` is set.
 */
export function otlpAccess(accounts: AccountService, panels: PanelService): OtlpAuthorize {
  return async (req, anchor) => {
    const principal = (req as Request).principal
    if (!principal) return 'Sign in to send OTLP data'
    const { type, id } = anchor
    if (type === 'User') return id === principal.userId ? undefined : `User "${id}": you may write only to yourself`
    if (type !== 'Panel' && type !== 'Workspace')
      return `${type} "${id}": objects of this type are written only by the Nexus kernel; anchor to a Panel, Workspace or User`
    const workspaceId =
      type === 'Workspace' ? id : ((await panels.get(id, true).catch(notFoundAsNull))?.workspaceId ?? null)
    try {
      await accounts.requireRole(principal, workspaceId, 'editor')
      return undefined
    } catch (error) {
      if (!(error instanceof KernelError) || (error.status !== 403 && error.status !== 404)) throw error
      return `${type} "${id}": ${error.status === 404 ? 'no such object in a workspace you belong to' : error.message}`
    }
  }
}

/** An unknown panel reads as "not in any workspace" (outsiders learn no more than from a missing one). */
function notFoundAsNull(error: unknown): null {
  if (error instanceof KernelError && error.status === 404) return null
  throw error
}
