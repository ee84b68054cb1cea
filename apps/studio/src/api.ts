import type { AnomalyFlag, Diagnostic, ErrorBody, JsonObject, Role, TimelineEntry, ToolBaseline } from '@nexus/protocol'

export interface PanelSummary {
  id: string
  title: string
  version: number
  updatedAt: number
}

/** An HTTP failure with the kernel's error body. */
export class ApiError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message)
  }
}

export interface User {
  id: string
  email: string
  name: string
}

export interface WorkspaceSummary {
  id: string
  name: string
  role: Role
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

async function request<T>(path: string, init?: RequestInit, retry = true): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: init?.body ? { 'content-type': 'application/json' } : undefined,
  })
  // An expired access cookie: refresh once and try again.
  if (res.status === 401 && retry && !path.startsWith('/api/auth/') && (await refreshSession())) {
    return request(path, init, false)
  }
  const text = await res.text()
  const body = (text ? JSON.parse(text) : {}) as T & { error?: ErrorBody }
  if (!res.ok) throw new ApiError(body.error ?? { code: 'HTTP_' + res.status, message: res.statusText })
  return body
}

export function authStatus(): Promise<{ setupRequired: boolean; user: User | null }> {
  return request('/api/auth/status')
}

export function setup(input: { name: string; email: string; password: string }): Promise<{ user: User }> {
  return request('/api/auth/setup', { method: 'POST', body: JSON.stringify(input) })
}

export function register(input: { name: string; email: string; password: string }): Promise<{ user: User }> {
  return request('/api/auth/register', { method: 'POST', body: JSON.stringify(input) })
}

export function login(input: { email: string; password: string }): Promise<{ user: User }> {
  return request('/api/auth/login', { method: 'POST', body: JSON.stringify(input) })
}

export function logout(): Promise<void> {
  return request('/api/auth/logout', { method: 'POST', body: '{}' })
}

export function me(): Promise<{ user: User; workspaces: WorkspaceSummary[] }> {
  return request('/api/me')
}

export function listPanels(workspaceId: string): Promise<{ panels: PanelSummary[] }> {
  return request(`/api/panels?workspaceId=${encodeURIComponent(workspaceId)}`)
}

export function validateNxml(nxml: string): Promise<{ diagnostics: Diagnostic[] }> {
  return request('/api/nxml/validate', { method: 'POST', body: JSON.stringify({ nxml }) })
}

export function createPanel(
  nxml: string,
  workspaceId: string,
): Promise<{ id: string; version: number; state: JsonObject }> {
  return request('/api/panels', { method: 'POST', body: JSON.stringify({ nxml, workspaceId }) })
}

export function timeline(panelId: string, last: number): Promise<{ entries: TimelineEntry[] }> {
  return request(`/api/panels/${panelId}/timeline?last=${last}`)
}

export function anomalies(panelId: string): Promise<{ baselines: ToolBaseline[]; flags: AnomalyFlag[] }> {
  return request(`/api/panels/${panelId}/anomalies`)
}

export function stateAt(panelId: string, at: number): Promise<{ at: number; state: JsonObject }> {
  return request(`/api/panels/${panelId}/state?at=${at}`)
}

export interface Member {
  userId: string
  email: string
  name: string
  role: Role
}

/** An invitation for an e-mail with no account yet; it becomes a membership when that e-mail registers. */
export interface Invitation {
  email: string
  role: Role
  invitedBy: string
  createdAt: number
}

export interface ApiKeySummary {
  id: string
  name: string
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

/** Members; owners also get the pending invitations. */
export function members(workspaceId: string): Promise<{ members: Member[]; invitations?: Invitation[] }> {
  return request(`/api/workspaces/${workspaceId}/members`)
}

/** The same answer whether or not the e-mail has an account (the kernel does not tell which). */
export function invite(workspaceId: string, email: string, role: Role): Promise<{ email: string; role: Role }> {
  return request(`/api/workspaces/${workspaceId}/members`, { method: 'POST', body: JSON.stringify({ email, role }) })
}

export function cancelInvitation(workspaceId: string, email: string): Promise<unknown> {
  return request(`/api/workspaces/${workspaceId}/invitations/${encodeURIComponent(email)}`, { method: 'DELETE' })
}

export function setRole(workspaceId: string, userId: string, role: Role): Promise<unknown> {
  return request(`/api/workspaces/${workspaceId}/members/${userId}`, {
    method: 'PATCH',
    body: JSON.stringify({ role }),
  })
}

export function removeMember(workspaceId: string, userId: string): Promise<unknown> {
  return request(`/api/workspaces/${workspaceId}/members/${userId}`, { method: 'DELETE' })
}

export function apiKeys(): Promise<{ keys: ApiKeySummary[] }> {
  return request('/api/keys')
}

export function createApiKey(name: string): Promise<{ id: string; name: string; key: string }> {
  return request('/api/keys', { method: 'POST', body: JSON.stringify({ name }) })
}

export function revokeApiKey(id: string): Promise<unknown> {
  return request(`/api/keys/${id}`, { method: 'DELETE' })
}
