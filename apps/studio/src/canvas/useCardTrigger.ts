import { useCallback, useState, type RefObject } from 'react'
import { TriggerAckResultSchema, type ErrorBody, type Json, type JsonObject } from '@nexus/protocol'
import { applyViewCommands } from '../components/viewCommands.ts'
import { useStudio } from '../store.ts'

/**
 * A card's triggers, as on the panel page: sent over the studio's connection; `$view` commands are applied
 * to the card's view, and what went wrong (a refusal, a failed run, `$log` errors) is kept as the card's errors.
 */
export function useCardTrigger(panelId: string, view: RefObject<HTMLElement | null>) {
  const [errors, setErrors] = useState<string[]>([])
  const trigger = useCallback(
    (tool: string, args: Json[] | JsonObject) => {
      const add = (messages: string[]) => {
        if (messages.length > 0) setErrors((before) => [...before, ...messages].slice(-5))
      }
      useStudio
        .getState()
        .connect()
        .request({ type: 'trigger', panelId, tool, args })
        .then(
          (result) => {
            const ack = TriggerAckResultSchema.safeParse(result)
            if (!ack.success) return
            add((ack.data.logs ?? []).filter((l) => l.level === 'error').map((l) => `${tool}: ${l.message}`))
            if (ack.data.view && view.current) add(applyViewCommands(view.current, ack.data.view))
          },
          (e: ErrorBody) => add([`${tool}: ${e.code}: ${e.message}`]),
        )
    },
    [panelId, view],
  )
  const clearErrors = useCallback(() => setErrors([]), [])
  return { trigger, errors, clearErrors }
}
