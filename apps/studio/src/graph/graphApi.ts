import { NogGraphResponseSchema } from '@nexus/protocol'
import { request } from '../api.ts'

/** The workspace's whole object graph (entities and the relationships among them) and its version. */
export function fetchGraph(workspaceId: string) {
  return request(NogGraphResponseSchema, `/api/workspaces/${encodeURIComponent(workspaceId)}/nog/graph`)
}
