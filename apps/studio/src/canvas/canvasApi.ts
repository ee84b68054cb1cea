import { PanelCreatedResponseSchema, PanelUpdatedResponseSchema } from '@nexus/protocol'
import { command, request } from '../api.ts'
import type { Cells } from './grid.ts'

// The canvas's HTTP calls: layout, duplicate, trash and restore (packages/kernel/src/http/panelRoutes.ts).

export function saveLayout(panelId: string, layout: Cells) {
  return request(PanelUpdatedResponseSchema, `/api/panels/${panelId}`, {
    method: 'PATCH',
    body: JSON.stringify({ layout }),
  })
}

export function duplicatePanel(panelId: string) {
  return request(PanelCreatedResponseSchema, `/api/panels/${panelId}/duplicate`, { method: 'POST', body: '{}' })
}

/** To the kernel's trash (restorable). */
export function trashPanel(panelId: string): Promise<void> {
  return command(`/api/panels/${panelId}`, { method: 'DELETE' })
}

export function restorePanel(panelId: string): Promise<void> {
  return command(`/api/panels/${panelId}/restore`, { method: 'POST', body: '{}' })
}
