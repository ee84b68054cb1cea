import { TriggerAckResultSchema } from '@nexus/protocol'
import type { Connection } from '../sync/Connection.ts'
import { readToast } from './readToast.ts'
import { toast } from './uiStore.ts'

/**
 * Toasts from the connection: a run's `$emit('toast', …)` (in the `ack` of the trigger this tab sent, so only
 * the person who clicked sees it) and the kernel's refusals of this tab's requests.
 */
export function showConnectionToasts(connection: Connection): () => void {
  return connection.onMessage((message) => {
    if (message.type === 'ack') {
      const result = TriggerAckResultSchema.safeParse(message.result)
      for (const event of result.success ? (result.data.events ?? []) : []) {
        if (event.name !== 'toast') continue
        const shown = readToast(event.payload)
        if (shown) toast(shown.message, shown.tone)
      }
    } else if (message.type === 'error' && message.reqId) {
      toast(message.error.message, 'error')
    }
  })
}
