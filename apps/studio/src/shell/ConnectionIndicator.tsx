import { useStudio } from '../store.ts'

/** After this many failed attempts in a row the kernel counts as offline (the studio keeps retrying). */
const OFFLINE_AFTER = 4

/** Live, reconnecting (with the attempt) or offline; its accessible name starts with `connection <status>`. */
export function ConnectionIndicator() {
  const status = useStudio((s) => s.status)
  const attempt = useStudio((s) => s.attempt)
  const state = status === 'open' ? 'live' : attempt >= OFFLINE_AFTER ? 'offline' : 'reconnecting'
  const text =
    status === 'open'
      ? 'Live'
      : attempt === 0
        ? 'Connecting…'
        : state === 'offline'
          ? `Offline · retrying (attempt ${attempt})`
          : `Reconnecting… (attempt ${attempt})`
  return (
    <span
      className={`connection connection-${state}`}
      role="status"
      aria-label={`connection ${status}: ${text}`}
      title={
        status === 'open'
          ? 'Connected to the kernel: changes sync live'
          : 'Typing is kept and sent once the kernel is back'
      }
    >
      <span className="connection-dot" aria-hidden="true" />
      {text}
    </span>
  )
}
