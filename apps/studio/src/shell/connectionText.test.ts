import { describe, expect, it } from 'vitest'
import { connectionText } from './connectionText.ts'

describe('the connection indicator', () => {
  it('says live, reconnecting with the attempt, then offline', () => {
    expect(connectionText('open', 0, true)).toEqual({ state: 'live', text: 'Live' })
    expect(connectionText('connecting', 0, true)).toEqual({ state: 'reconnecting', text: 'Connecting…' })
    expect(connectionText('closed', 1, true)).toEqual({ state: 'reconnecting', text: 'Reconnecting… (attempt 1)' })
    expect(connectionText('connecting', 3, true)).toEqual({ state: 'reconnecting', text: 'Reconnecting… (attempt 3)' })
    expect(connectionText('closed', 4, true)).toEqual({ state: 'offline', text: 'Offline · retrying (attempt 4)' })
    expect(connectionText('closed', 1, false)).toEqual({ state: 'offline', text: 'Offline · no network' })
  })
})
