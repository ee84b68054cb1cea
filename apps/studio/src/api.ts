import type { Diagnostic, ErrorBody, JsonObject } from '@nexus/protocol'

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

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: init?.body ? { 'content-type': 'application/json' } : undefined,
  })
  const body = (await res.json().catch(() => ({}))) as T & { error?: ErrorBody }
  if (!res.ok) throw new ApiError(body.error ?? { code: 'HTTP_' + res.status, message: res.statusText })
  return body
}

export function listPanels(): Promise<{ panels: PanelSummary[] }> {
  return request('/api/panels')
}

export function validateNxml(nxml: string): Promise<{ diagnostics: Diagnostic[] }> {
  return request('/api/nxml/validate', { method: 'POST', body: JSON.stringify({ nxml }) })
}

export function createPanel(nxml: string): Promise<{ id: string; version: number; state: JsonObject }> {
  return request('/api/panels', { method: 'POST', body: JSON.stringify({ nxml }) })
}
