import { useEffect } from 'react'
import { ENTITY_CATEGORIES } from '@nexus/protocol'
import { useStudio } from '../store.ts'
import { useGraph } from './graphStore.ts'

/** Every entity (a filter needs at least one condition): every category there is. */
const EVERYTHING = { category: { in: [...ENTITY_CATEGORIES] } }

/** Coalesces a burst of graph commits (a panel save touches many entities) into one reload. */
const RELOAD_DELAY_MS = 150

/**
 * Keeps the graph view current: loads it, subscribes to `nog:<workspaceId>` and reloads after each patch
 * the channel pushes (and after every reconnect, which may have missed some). The channel streams entities
 * only, so the reload is what brings the relationships along.
 */
export function useNogLive(workspaceId: string | undefined): void {
  useEffect(() => {
    if (!workspaceId) return
    const connection = useStudio.getState().connect()
    const channel = `nog:${workspaceId}`
    let timer: ReturnType<typeof setTimeout> | undefined
    const reload = () => {
      clearTimeout(timer)
      timer = setTimeout(() => void useGraph.getState().load(workspaceId), RELOAD_DELAY_MS)
    }
    void useGraph.getState().load(workspaceId)
    let opened = false
    const offOpen = connection.onOpen(() => {
      connection.request({ type: 'subscribe', channel, filter: EVERYTHING }).then(
        () => useGraph.getState().setLive(undefined),
        (error: { message?: string }) => useGraph.getState().setLive(error.message ?? 'unknown error'),
      )
      // The first open follows the load above; a reopen may have missed commits.
      if (opened) reload()
      opened = true
    })
    const offMessage = connection.onMessage((message) => {
      if (message.type === 'patch' && message.channel === channel) reload()
    })
    return () => {
      clearTimeout(timer)
      offOpen()
      offMessage()
      // Leaving fails only when the socket is down, and then the kernel has dropped the subscription anyway.
      connection.request({ type: 'unsubscribe', channel }).catch(() => undefined)
    }
  }, [workspaceId])
}
