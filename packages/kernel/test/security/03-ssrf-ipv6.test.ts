import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../../src/index.ts'
import { api, startTestKernel } from '../helpers.ts'

// Finding 3 of issue #11: with capabilities an editor grants themselves, `http://[::ffff:127.0.0.1]:PORT/`
// and `http://[::]:PORT/` reached loopback services, `[::ffff:169.254.169.254]` went out, 100.64.0.0/10 was
// not refused; `net:*` never matched IPv6 hosts and the sandbox and `nexus.http` spelled grants differently.
// The kernel here is a default one: private addresses are refused (no NEXUS_HTTP_ALLOW_PRIVATE).

function prober(grant: string): string {
  return `<NexusPanel title="Prober" version="1.0.0">
  <Data><State name="result" type="string" default="" /></Data>
  <Logic>
    <Extension name="nexus.http" alias="http" />
    <Tool name="probe">
      <Arg name="url" type="string" />
      <Capabilities>
        <Capability type="ext" scope="http" />
        <Capability type="net" scope="${grant}" />
        <Capability type="state:write" scope="result" />
      </Capabilities>
      <Handler>
        try {
          const r = await $ext.http.get($args.url)
          $state.result = 'reached: ' + r.status
        } catch (e) {
          $state.result = String(e.message)
        }
      </Handler>
    </Tool>
  </Logic>
  <View><Text content="Prober" /></View>
</NexusPanel>`
}

const PUBLIC_ONLY =
  'nexus.http reaches public addresses only (NEXUS_HTTP_ALLOW_PRIVATE=1 lifts this on a trusted server)'

describe('SSRF through IPv6 and other address spellings (finding 3)', () => {
  let kernel: RunningKernel
  let loopback: Server
  let port = 0
  let hits = 0
  let panel: string

  beforeAll(async () => {
    loopback = createServer((_req, res) => {
      hits++
      res.end('internal secret')
    })
    await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve))
    port = (loopback.address() as { port: number }).port
    ;({ kernel } = await startTestKernel())
    panel = (await api(kernel, 'POST', '/api/panels', { nxml: prober('*') })).body.id as string
  })
  afterAll(async () => {
    await kernel.close()
    loopback.close()
  })

  async function probe(id: string, url: string): Promise<string> {
    const res = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'probe', args: { url } })
    expect(res.status).toBe(200)
    return res.body.state.result as string
  }

  it('refuses every spelling of a loopback, private or metadata address with HOST_NOT_ALLOWED', async () => {
    const got: Record<string, string> = {}
    for (const host of [
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '[::]',
      '[::1]',
      '0.0.0.0',
      '[::ffff:169.254.169.254]',
      '100.64.0.1',
      '[64:ff9b::7f00:1]',
      '[2002:7f00:1::]',
      '2130706433',
      '0x7f.1',
      '017700000001',
      '[fe80::1]',
      '[fd00::1]',
      '[::127.0.0.1]',
    ]) {
      const message = await probe(panel, `http://${host}:${port}/`)
      expect(message.endsWith(`; ${PUBLIC_ONLY}`)).toBe(true)
      got[host] = message.slice(0, -`; ${PUBLIC_ONLY}`.length)
    }
    expect(got).toMatchInlineSnapshot(`
      {
        "0.0.0.0": "HOST_NOT_ALLOWED: 0.0.0.0 is not a public address (unspecified)",
        "017700000001": "HOST_NOT_ALLOWED: 127.0.0.1 is not a public address (loopback)",
        "0x7f.1": "HOST_NOT_ALLOWED: 127.0.0.1 is not a public address (loopback)",
        "100.64.0.1": "HOST_NOT_ALLOWED: 100.64.0.1 is not a public address (carrier-grade NAT)",
        "2130706433": "HOST_NOT_ALLOWED: 127.0.0.1 is not a public address (loopback)",
        "[2002:7f00:1::]": "HOST_NOT_ALLOWED: 2002:7f00:1:: is not a public address (loopback 127.0.0.1, 6to4)",
        "[64:ff9b::7f00:1]": "HOST_NOT_ALLOWED: 64:ff9b::7f00:1 is not a public address (loopback 127.0.0.1, NAT64)",
        "[::127.0.0.1]": "HOST_NOT_ALLOWED: ::7f00:1 is not a public address (reserved)",
        "[::1]": "HOST_NOT_ALLOWED: ::1 is not a public address (loopback)",
        "[::]": "HOST_NOT_ALLOWED: :: is not a public address (unspecified)",
        "[::ffff:127.0.0.1]": "HOST_NOT_ALLOWED: ::ffff:7f00:1 is not a public address (loopback 127.0.0.1, IPv4-mapped)",
        "[::ffff:169.254.169.254]": "HOST_NOT_ALLOWED: ::ffff:a9fe:a9fe is not a public address (link-local 169.254.169.254, IPv4-mapped)",
        "[::ffff:7f00:1]": "HOST_NOT_ALLOWED: ::ffff:7f00:1 is not a public address (loopback 127.0.0.1, IPv4-mapped)",
        "[fd00::1]": "HOST_NOT_ALLOWED: fd00::1 is not a public address (unique local)",
        "[fe80::1]": "HOST_NOT_ALLOWED: fe80::1 is not a public address (link-local)",
      }
    `)
    expect(hits).toBe(0)
  })

  it('checks the address a name resolves to when the connection is made', async () => {
    // The sandbox cannot bring its own resolver; `localhost` is the name every system resolves to loopback.
    // (The rebinding case proper — public at one lookup, private at the next — is in src/net/addressPolicy.test.ts.)
    for (const host of ['localhost', 'LocalHost']) {
      const message = await probe(panel, `http://${host}:${port}/`)
      expect(message).toMatch(
        /^HOST_NOT_ALLOWED: localhost resolves to (127\.0\.0\.1|::1), which is not a public address \(loopback\); nexus\.http/,
      )
    }
    expect(hits).toBe(0)
  })

  it('lets the sandbox and nexus.http agree on one grant name for IPv6 hosts', async () => {
    const bracketed = (await api(kernel, 'POST', '/api/panels', { nxml: prober('[::1]') })).body.id as string
    const bare = (await api(kernel, 'POST', '/api/panels', { nxml: prober('::1') })).body.id as string
    for (const id of [bracketed, bare]) {
      // Granted in both places: the address policy is what refuses it.
      expect(await probe(id, `http://[0:0::1]:${port}/`)).toBe(
        `HOST_NOT_ALLOWED: ::1 is not a public address (loopback); ${PUBLIC_ONLY}`,
      )
      const other = await api(kernel, 'POST', `/api/panels/${id}/trigger`, {
        tool: 'probe',
        args: { url: `http://[::2]:${port}/` },
      })
      expect(other.body.error).toMatchObject({ code: 'CAPABILITY_DENIED', details: { capability: 'net:[::2]' } })
    }
    expect(hits).toBe(0)
  })
})
