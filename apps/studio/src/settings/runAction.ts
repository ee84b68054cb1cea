import { toast } from '../shell/uiStore.ts'

/**
 * Runs a user action of a section: clears the section's error, runs `work`, then `refresh`es what it shows;
 * a failure's message becomes the error (the section renders it) and a toast, and `done` (when given) is
 * said in a success toast.
 */
export async function runAction(
  work: () => Promise<unknown>,
  refresh: () => void,
  setError: (message: string | undefined) => void,
  done?: string,
): Promise<void> {
  setError(undefined)
  try {
    await work()
    refresh()
    if (done) toast(done, 'success')
  } catch (e) {
    setError((e as Error).message)
    toast((e as Error).message, 'error')
  }
}
