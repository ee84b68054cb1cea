import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, startTestKernel, type TestKernel } from '../helpers.ts'
import { postFrom } from './fromAddress.ts'

// Finding 11 of issue #11: `register` answered 409 naming the e-mail, and inviting an e-mail answered 404
// without an account and 201 with one, so anyone could learn which e-mails have accounts; `password` was a
// valid password. Invitations now answer alike (an unknown e-mail becomes a pending invitation, applied when
// it registers), a taken e-mail's refusal names nothing, registrations are counted per address, and common
// passwords or ones containing the e-mail name are refused.

describe('finding 11: account enumeration and weak passwords', () => {
  let t: TestKernel
  const known = { email: 'known.person@example.com', password: 'a perfectly fine passphrase', name: 'Known' }
  const unknownEmail = 'not.yet.here@example.com'
  beforeAll(async () => {
    t = await startTestKernel()
    expect((await api(t.kernel, 'POST', '/api/auth/register', known, null)).status).toBe(201)
  })
  afterAll(async () => {
    await t.kernel.close()
  })

  it('answers an invitation the same for an e-mail with and without an account', async () => {
    const path = `/api/workspaces/${t.workspaceId}/members`
    const toKnown = await api(t.kernel, 'POST', path, { email: known.email, role: 'viewer' })
    const toUnknown = await api(t.kernel, 'POST', path, { email: unknownEmail, role: 'viewer' })
    expect(toKnown).toEqual({ status: 201, body: { email: known.email, role: 'viewer' } })
    expect(toUnknown).toEqual({ status: 201, body: { email: unknownEmail, role: 'viewer' } })

    const listed = (await api(t.kernel, 'GET', path)).body
    expect(listed.members.map((m: { email: string }) => m.email).sort()).toEqual([known.email, 'owner@example.com'])
    expect(listed.invitations).toMatchObject([{ email: unknownEmail, role: 'viewer' }])
  })

  it('makes the invited e-mail a member when it registers', async () => {
    const account = { email: unknownEmail, password: 'arriving later with a passphrase', name: 'Later' }
    const registered = await api(t.kernel, 'POST', '/api/auth/register', account, null)
    expect(registered.status).toBe(201)
    const me = (await api(t.kernel, 'GET', '/api/me', undefined, registered.body.accessToken)).body
    expect(me.workspaces).toContainEqual(expect.objectContaining({ id: t.workspaceId, role: 'viewer' }))
    const listed = (await api(t.kernel, 'GET', `/api/workspaces/${t.workspaceId}/members`)).body
    expect(listed.members.map((m: { email: string }) => m.email)).toContain(unknownEmail)
    expect(listed.invitations).toEqual([])
  })

  it('refuses a taken e-mail without saying that it has an account', async () => {
    const again = await api(
      t.kernel,
      'POST',
      '/api/auth/register',
      { ...known, password: 'another passphrase 1' },
      null,
    )
    expect(again.status).toBe(409)
    expect(again.body.error).toEqual({
      code: 'REGISTRATION_FAILED',
      message: 'Could not register with these details; if you already have an account, log in',
    })
    expect(JSON.stringify(again.body)).not.toContain('known.person')
  })

  it('refuses common passwords and ones containing the e-mail name, saying what to do', async () => {
    const attempts = [
      { email: 'fresh.user@example.com', password: 'password' },
      { email: 'fresh.user@example.com', password: '12345678' },
      { email: 'fresh.user@example.com', password: 'Password1' },
      { email: 'marguerite@example.com', password: 'marguerite' },
      { email: 'marguerite@example.com', password: 'MyNameIsMarguerite!' },
    ]
    const answers = []
    for (const a of attempts) answers.push(await api(t.kernel, 'POST', '/api/auth/register', { ...a, name: 'F' }, null))
    expect(answers.map((a) => [a.status, a.body.error.code])).toEqual(attempts.map(() => [400, 'WEAK_PASSWORD']))
    expect(answers[0]!.body.error.message).toBe(
      'This password is one of the most common passwords, tried first by attackers; choose another of at least 8 characters, such as a few unrelated words',
    )
    expect(answers[3]!.body.error.message).toMatch(/contains your e-mail name.*choose another/)
    // Nothing was created: the same e-mail registers with a good password.
    const good = { email: 'fresh.user@example.com', password: 'three unrelated words', name: 'F' }
    expect((await api(t.kernel, 'POST', '/api/auth/register', good, null)).status).toBe(201)
  })

  it('counts registrations per address', async () => {
    const from = '127.0.0.3'
    const taken = { ...known, password: 'another passphrase 1' }
    const statuses: number[] = []
    for (let i = 0; i < 20; i++)
      statuses.push((await postFrom(from, `${t.kernel.url}/api/auth/register`, taken)).status)
    expect(statuses).toEqual(Array(20).fill(409))
    const limited = await postFrom(from, `${t.kernel.url}/api/auth/register`, taken)
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe(String(limited.body.error.details.retryAfter))
    // Another address is unaffected.
    expect((await postFrom('127.0.0.4', `${t.kernel.url}/api/auth/register`, taken)).status).toBe(409)
  })
})
