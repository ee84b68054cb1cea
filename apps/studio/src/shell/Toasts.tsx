import { useEffect, useRef } from 'react'
import { useUi, type Toast } from './uiStore.ts'

const TOAST_MS = { info: 6000, success: 6000, warning: 9000, error: 12000 } as const

/** The toast region: polite announcements, newest last; each one leaves after a while unless hovered or focused. */
export function Toasts() {
  const toasts = useUi((s) => s.toasts)
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Notifications">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  )
}

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useUi((s) => s.dismissToast)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  const start = () => {
    clearTimeout(timer.current)
    timer.current = setTimeout(() => dismiss(toast.id), TOAST_MS[toast.tone])
  }
  const pause = () => clearTimeout(timer.current)
  useEffect(() => {
    start()
    return pause
    // One timer per toast, restarted when the pointer or focus leaves it.
  }, [])
  return (
    <div
      className={`toast toast-${toast.tone}`}
      onMouseEnter={pause}
      onMouseLeave={start}
      onFocus={pause}
      onBlur={start}
    >
      <div className="toast-text">
        {toast.source && <strong className="toast-source">{toast.source}</strong>}
        <span>{toast.message}</span>
      </div>
      <button
        type="button"
        className="ghost toast-close"
        aria-label="Dismiss notification"
        onClick={() => dismiss(toast.id)}
      >
        ×
      </button>
    </div>
  )
}
