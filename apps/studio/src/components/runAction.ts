/**
 * Runs a user action of a section: clears the section's error, runs `work`, then `refresh`es what it shows;
 * a failure's message becomes the error (the section renders it).
 */
export async function runAction(
  work: () => Promise<unknown>,
  refresh: () => void,
  setError: (message: string | undefined) => void,
): Promise<void> {
  setError(undefined)
  try {
    await work()
    refresh()
  } catch (e) {
    setError((e as Error).message)
  }
}
