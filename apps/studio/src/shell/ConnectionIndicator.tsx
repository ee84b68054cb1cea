import { useSyncExternalStore } from 'react'
import { useStudio } from '../store.ts'
import { connectionText } from './connectionText.ts'

function subscribeOnline(listener: () => void): () => void {
  window.addEventListener('online', listener)
  window.addEventListener('offline', listener)
  return () => {
    window.removeEventListener('online', listener)
    window.removeEventListener('offline', listener)
  }
}

/** Live, reconnecting (with the attempt) or offline; its accessible name starts with `connection <status>`. */
export function ConnectionIndicator() {
  const status = useStudio((s) => s.status)
  const attempt = useStudio((s) => s.attempt)
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine)
  const { state, text } = connectionText(status, attempt, online)
  return (
    <span
      className={`connection connection-${state}`}
      role="status"
      aria-label={`connection ${status}: ${text}`}
      title={
        status === 'open'
          ? 'Connected to the kernel: changes sync live'
          : 'What you type is kept and sent once the kernel is back'
      }
    >
      <span className="connection-dot" aria-hidden="true" />
      {text}
    </span>
  )
}
