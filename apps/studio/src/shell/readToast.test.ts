import { describe, expect, it } from 'vitest'
import { readToast } from './readToast.ts'

describe("what $emit('toast', payload) shows", () => {
  it('reads a string, or an object with a message and a tone', () => {
    expect(readToast('Saved')).toEqual({ message: 'Saved', tone: 'info' })
    expect(readToast(3)).toEqual({ message: '3', tone: 'info' })
    expect(readToast({ message: 'Saved', tone: 'success' })).toEqual({ message: 'Saved', tone: 'success' })
    expect(readToast({ text: 'Careful', level: 'warn' })).toEqual({ message: 'Careful', tone: 'warning' })
    expect(readToast({ title: 'Broke', type: 'error' })).toEqual({ message: 'Broke', tone: 'error' })
    expect(readToast({ message: 'Odd tone', tone: 'purple' })).toEqual({ message: 'Odd tone', tone: 'info' })
  })

  it('shows nothing for a payload without text', () => {
    expect(readToast(null)).toBeUndefined()
    expect(readToast(['a'])).toBeUndefined()
    expect(readToast({ message: '' })).toBeUndefined()
    expect(readToast({ tone: 'error' })).toBeUndefined()
  })
})
