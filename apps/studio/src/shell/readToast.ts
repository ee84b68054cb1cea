import type { Json } from '@nexus/protocol'
import type { ToastTone } from './uiStore.ts'

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
