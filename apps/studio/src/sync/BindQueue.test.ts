import type { ErrorBody, Json } from '@nexus/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BIND_DEBOUNCE_MS, BindQueue } from './BindQueue.ts'

/** A kernel stand-in at the queue's own interface: each send waits until the test answers it. */
function harness() {
  const sent: { path: string; value: Json; answer: (error?: ErrorBody) => void }[] = []
  const refused: [string, string][] = []
  const queue = new BindQueue(
    (path, value) =>
      new Promise((resolve, reject) => {
        sent.push({ path, value, answer: (error) => (error ? reject(error) : resolve(undefined)) })
      }),
    (path, error) => refused.push([path, error.code]),
  )
  return { queue, sent, refused }
}

describe('BindQueue', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('sends the latest value once typing rests, one write per path in flight, and the last one always', async () => {
    const { queue, sent } = harness()
    for (const value of ['h', 'he', 'hel']) queue.write('draft', value)
    expect(sent).toEqual([])
    expect(queue.pending()).toEqual([{ op: 'add', path: '/draft', value: 'hel' }])
    vi.advanceTimersByTime(BIND_DEBOUNCE_MS)
    expect(sent.map((s) => s.value)).toEqual(['hel'])

    // More typing while the first write is unanswered waits for its answer, then goes out as one write.
    queue.write('draft', 'hell')
    queue.write('draft', 'hello')
    vi.advanceTimersByTime(BIND_DEBOUNCE_MS)
    expect(sent.map((s) => s.value)).toEqual(['hel'])
    expect(queue.pending()).toEqual([{ op: 'add', path: '/draft', value: 'hello' }])
    sent[0]!.answer()
    await vi.runAllTimersAsync()
    expect(sent.map((s) => s.value)).toEqual(['hel', 'hello'])
    sent[1]!.answer()
    await vi.runAllTimersAsync()
    expect(queue.pending()).toEqual([])
  })

  it('keeps paths apart, retries what a dropped connection cut off, and reports what the kernel refused', async () => {
    const { queue, sent, refused } = harness()
    queue.write('form.email', 'a@b')
    queue.write('age', 'seven')
    queue.flush()
    expect(sent.map((s) => [s.path, s.value])).toEqual([
      ['form.email', 'a@b'],
      ['age', 'seven'],
    ])
    sent[0]!.answer({ code: 'DISCONNECTED', message: 'dropped' })
    sent[1]!.answer({ code: 'STATE_INVALID', message: 'age is a number' })
    await vi.runAllTimersAsync()
    expect(refused).toEqual([['age', 'STATE_INVALID']])
    expect(queue.pending()).toEqual([{ op: 'add', path: '/form/email', value: 'a@b' }])
    queue.flush() // after the reconnect
    expect(sent.map((s) => s.value)).toEqual(['a@b', 'seven', 'a@b'])
  })
})
