import type { z } from 'zod'
import {
  ApiKeyCreatedResponseSchema,
  ApiKeysResponseSchema,
  AuthStatusResponseSchema,
  ErrorResponseSchema,
  InviteResponseSchema,
  MeResponseSchema,
  MembersResponseSchema,
  NxmlUpdatedResponseSchema,
  PanelCreatedResponseSchema,
  PanelListResponseSchema,
  PanelResponseSchema,
  RoleSetResponseSchema,
  SessionResponseSchema,
  type ErrorBody,
  type Role,
} from '@nexus/protocol'

// The studio's HTTP client: every answer is checked against its @nexus/protocol schema before anyone reads it.

export type { ApiKeySummary, Invitation, Member, PanelSummary, User, WorkspaceSummary } from '@nexus/protocol'

/**
 * An HTTP failure with the kernel's error body, or one the studio makes itself: `BAD_RESPONSE` when an
 * answer does not match its schema (an older or newer kernel, a proxy's error page), `HTTP_<status>` when a
 * failure has no error body.
 */
export class ApiError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message)
  }
}

let refreshing: Promise<boolean> | undefined

/** Trades the refresh cookie for a new access cookie; one refresh at a time however many requests wait. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch('/api/auth/refresh', { method: 'POST' })
    .then((res) => res.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = undefined
    })
  return refreshing
}

function malformed(path: string, problem: string): ApiError {
  const message = `The kernel's answer to ${path} was not what this studio expects (${problem}); reload the page, and if it persists the kernel and the studio may be different versions`
  console.error('[api]', message)
  return new ApiError({ code: 'BAD_RESPONSE', message })
}

/** Sends the request (refreshing an expired access cookie once) and reads the body as JSON, or null when empty. */
async function exchange(path: string, init?: RequestInit, retry = true): Promise<{ res: Response; body: unknown }> {
  const res = await fetch(path, {
    ...init,
    headers: init?.body ? { 'content-type': 'application/json' } : undefined,
  })
  // An expired access cookie: refresh once and try again.
  if (res.status === 401 && retry && !path.startsWith('/api/auth/') && (await refreshSession())) {
    return exchange(path, init, false)
  }
  const text = await res.text()
  if (!text) return { res, body: null }
  try {
    return { res, body: JSON.parse(text) as unknown }
  } catch {
    if (!res.ok) return { res, body: null } // e.g. a proxy's HTML error page: reported by status below
    throw malformed(path, 'not JSON')
  }
}

function failure(res: Response, body: unknown): ApiError {
  const parsed = ErrorResponseSchema.safeParse(body)
  return new ApiError(parsed.success ? parsed.data.error : { code: `HTTP_${res.status}`, message: res.statusText })
}

/** A request whose answer must match `schema`; a mismatch is an `ApiError` `BAD_RESPONSE` naming the path. Feature folders make their own calls with it. */
export async function request<S extends z.ZodType>(schema: S, path: string, init?: RequestInit): Promise<z.output<S>> {
  const { res, body } = await exchange(path, init)
  if (!res.ok) throw failure(res, body)
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw malformed(path, issue ? `at ${issue.path.map(String).join('.') || 'the top'}: ${issue.message}` : 'invalid')
  }
  return parsed.data
}

/** A request answered with no body (204). */
export async function command(path: string, init?: RequestInit): Promise<void> {
  const { res, body } = await exchange(path, init)
  if (!res.ok) throw failure(res, body)
}

export function authStatus() {
  return request(AuthStatusResponseSchema, '/api/auth/status')
}

export function setup(input: { name: string; email: string; password: string }) {
  return request(SessionResponseSchema, '/api/auth/setup', { method: 'POST', body: JSON.stringify(input) })
}

export function register(input: { name: string; email: string; password: string }) {
  return request(SessionResponseSchema, '/api/auth/register', { method: 'POST', body: JSON.stringify(input) })
}

export function login(input: { email: string; password: string }) {
  return request(SessionResponseSchema, '/api/auth/login', { method: 'POST', body: JSON.stringify(input) })
}

export function logout(): Promise<void> {
  return command('/api/auth/logout', { method: 'POST', body: '{}' })
}

export function me() {
  return request(MeResponseSchema, '/api/me')
}

export function listPanels(workspaceId: string) {
  return request(PanelListResponseSchema, `/api/panels?workspaceId=${encodeURIComponent(workspaceId)}`)
}

export function getPanel(panelId: string) {
  return request(PanelResponseSchema, `/api/panels/${panelId}`)
}

/** Replaces a panel's NXML; the answer lists the state that no longer fit its declarations. */
export function updateNxml(panelId: string, nxml: string) {
  return request(NxmlUpdatedResponseSchema, `/api/panels/${panelId}/nxml`, {
    method: 'PUT',
    body: JSON.stringify({ nxml }),
  })
}

export function createPanel(nxml: string, workspaceId: string) {
  return request(PanelCreatedResponseSchema, '/api/panels', {
    method: 'POST',
    body: JSON.stringify({ nxml, workspaceId }),
  })
}

/** Members; owners also get the pending invitations. */
export function members(workspaceId: string) {
  return request(MembersResponseSchema, `/api/workspaces/${workspaceId}/members`)
}

/** The same answer whether or not the e-mail has an account (the kernel does not tell which). */
export function invite(workspaceId: string, email: string, role: Role) {
  return request(InviteResponseSchema, `/api/workspaces/${workspaceId}/members`, {
    method: 'POST',
    body: JSON.stringify({ email, role }),
  })
}

export function cancelInvitation(workspaceId: string, email: string): Promise<void> {
  return command(`/api/workspaces/${workspaceId}/invitations/${encodeURIComponent(email)}`, { method: 'DELETE' })
}

export function setRole(workspaceId: string, userId: string, role: Role) {
  return request(RoleSetResponseSchema, `/api/workspaces/${workspaceId}/members/${userId}`, {
    method: 'PATCH',
    body: JSON.stringify({ role }),
  })
}

export function removeMember(workspaceId: string, userId: string): Promise<void> {
  return command(`/api/workspaces/${workspaceId}/members/${userId}`, { method: 'DELETE' })
}

export function apiKeys() {
  return request(ApiKeysResponseSchema, '/api/keys')
}

export function createApiKey(name: string) {
  return request(ApiKeyCreatedResponseSchema, '/api/keys', { method: 'POST', body: JSON.stringify({ name }) })
}

export function revokeApiKey(id: string): Promise<void> {
  return command(`/api/keys/${id}`, { method: 'DELETE' })
}
