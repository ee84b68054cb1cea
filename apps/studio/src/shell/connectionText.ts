/** After this many failed attempts in a row the kernel counts as offline (the studio keeps retrying). */
const OFFLINE_AFTER = 4

/** What the indicator says for a connection status, its failed attempts and the browser's network. */
export function connectionText(status: 'connecting' | 'open' | 'closed', attempt: number, online: boolean) {
  if (status === 'open') return { state: 'live', text: 'Live' } as const
  if (!online) return { state: 'offline', text: 'Offline · no network' } as const
  if (attempt === 0) return { state: 'reconnecting', text: 'Connecting…' } as const
  if (attempt >= OFFLINE_AFTER) return { state: 'offline', text: `Offline · retrying (attempt ${attempt})` } as const
  return { state: 'reconnecting', text: `Reconnecting… (attempt ${attempt})` } as const
}
