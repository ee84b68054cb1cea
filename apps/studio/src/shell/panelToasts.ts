import { TriggerAckResultSchema, type Json } from '@nexus/protocol'
import type { Connection } from '../sync/Connection.ts'
import { toast, type ToastTone } from './uiStore.ts'

const TONES: Record<string, ToastTone> = {
  info: 'info',
  success: 'success',
  ok: 'success',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
  danger: 'error',
}

/** What a `$emit('toast', payload)` says: a string, or `{message|text|title, tone|level|type}`. */
export function readToast(payload: Json): { message: string; tone: ToastTone } | undefined {
  if (typeof payload === 'string' || typeof payload === 'number') return { message: String(payload), tone: 'info' }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return undefined
  const text = payload.message ?? payload.text ?? payload.title
  if (typeof text !== 'string' || text === '') return undefined
  const tone = payload.tone ?? payload.level ?? payload.type
  return { message: text, tone: (typeof tone === 'string' && TONES[tone]) || 'info' }
}

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
