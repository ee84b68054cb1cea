import { useEffect, useState } from 'react'
import { useStudio } from '../store.ts'
import type { BindQueue } from './BindQueue.ts'
import { type LivePanel, startPanelSync } from './panelSync.ts'

export interface PanelSyncState {
  /** The panel once its first snapshot came; replaced by every later snapshot. */
  live: LivePanel | undefined
  /** The version the store is at (patches move it without a new `live`). */
  version: number | undefined
  error: string | undefined
  /** The kernel's refusal of the last write, until the page clears it. */
  notice: string | undefined
  setNotice(notice: string | undefined): void
  binds: BindQueue | undefined
}

/** A live panel over the studio's connection, for as long as the component shows `panelId` (see `startPanelSync`). */
export function usePanelSync(panelId: string): PanelSyncState {
  const [live, setLive] = useState<LivePanel>()
  const [version, setVersion] = useState<number>()
  const [error, setError] = useState<string>()
  const [notice, setNotice] = useState<string>()
  const [binds, setBinds] = useState<BindQueue>()
  useEffect(() => {
    const sync = startPanelSync(useStudio.getState().connect(), panelId, {
      live: setLive,
      version: setVersion,
      error: setError,
      notice: setNotice,
    })
    setBinds(sync.binds)
    return sync.stop
  }, [panelId])
  return { live, version, error, notice, setNotice, binds }
}
