import type { LookupAddress } from 'node:dns'
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AddressRefusedError, classifyAddress, guardedLookup, type Resolver } from './addressPolicy.ts'
import { GuardedClient } from './GuardedClient.ts'

describe('address policy', () => {
  it('classifies every special range, and embedded IPv4 by the IPv4 address', () => {
    const cases = [
      '127.0.0.1',
      '0.0.0.0',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '198.18.0.1',
      '192.0.2.1',
      '240.0.0.1',
      '::',
      '::1',
      '::ffff:7f00:1',
      '::ffff:169.254.169.254',
      '64:ff9b::7f00:1',
      '64:ff9b:1::1',
      '2002:7f00:1::',
      '2001::1',
      '2001:db8::1',
      'fc00::1',
      'fe80::1',
      'fe80::1%lo',
      'ff02::1',
      '::7f00:1',
      '8.8.8.8',
      '2606:4700::1111',
      '::ffff:808:808',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ]
    const table = Object.fromEntries(
      cases.map((a) => {
        const c = classifyAddress(a)
        return [a, `${c.public ? 'PUBLIC' : c.range}${c.embedded ? ` via ${c.embedded.via} ${c.embedded.ipv4}` : ''}`]
      }),
    )
    expect(table).toMatchInlineSnapshot(`
      {
        "0.0.0.0": "unspecified",
        "10.1.2.3": "private",
        "100.64.0.1": "carrierGradeNat",
        "127.0.0.1": "loopback",
        "169.254.169.254": "linkLocal",
        "172.16.0.1": "private",
        "192.0.2.1": "reserved",
        "192.168.1.1": "private",
        "198.18.0.1": "reserved",
        "2001::1": "teredo",
        "2001:db8::1": "reserved",
        "2002:7f00:1::": "loopback via 6to4 127.0.0.1",
        "2002:808:808::1": "PUBLIC via 6to4 8.8.8.8",
        "224.0.0.1": "multicast",
        "240.0.0.1": "reserved",
        "255.255.255.255": "broadcast",
        "2606:4700::1111": "PUBLIC",
        "64:ff9b:1::1": "rfc6052",
        "64:ff9b::7f00:1": "loopback via NAT64 127.0.0.1",
        "64:ff9b::808:808": "PUBLIC via NAT64 8.8.8.8",
        "8.8.8.8": "PUBLIC",
        "::": "unspecified",
        "::1": "loopback",
        "::7f00:1": "reserved",
        "::ffff:169.254.169.254": "linkLocal via IPv4-mapped 169.254.169.254",
        "::ffff:7f00:1": "loopback via IPv4-mapped 127.0.0.1",
        "::ffff:808:808": "PUBLIC via IPv4-mapped 8.8.8.8",
        "fc00::1": "uniqueLocal",
        "fe80::1": "linkLocal",
        "fe80::1%lo": "linkLocal",
        "ff02::1": "multicast",
      }
    `)
  })

  it('vets every address a name resolves to at connect time, so a rebinding name is refused', async () => {
    // A name that answers public first (when something might check it) and loopback next (when it is dialled).
    const answers: LookupAddress[][] = [
      [{ address: '93.184.215.14', family: 4 }],
      [{ address: '127.0.0.1', family: 4 }],
      [
        { address: '93.184.215.14', family: 4 },
        { address: '::ffff:10.0.0.1', family: 6 },
      ],
    ]
    const rebinding: Resolver = async () => answers.shift() ?? []
    const lookup = guardedLookup({ allowPrivate: false }, rebinding)
    const ask = () =>
      new Promise<unknown>((resolve) =>
        lookup('rebind.example', { all: true }, (error, addresses) => resolve(error ?? addresses)),
      )
    expect(await ask()).toEqual([{ address: '93.184.215.14', family: 4 }])
    const second = await ask()
    expect(second).toBeInstanceOf(AddressRefusedError)
    expect((second as Error).message).toBe(
      'rebind.example resolves to 127.0.0.1, which is not a public address (loopback)',
    )
    // One bad address refuses the name, even next to a public one.
    expect(((await ask()) as Error).message).toBe(
      'rebind.example resolves to ::ffff:10.0.0.1, which is not a public address (private 10.0.0.1, IPv4-mapped)',
    )
  })

  describe('GuardedClient', () => {
    let server: Server
    let port = 0
    let hits = 0
    beforeAll(async () => {
      server = createServer((_req, res) => {
        hits++
        res.end('hello')
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as { port: number }).port
    })
    afterAll(() => {
      server.close()
    })
    const toLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }]
    const init = { method: 'GET', headers: {}, timeoutMs: 5000, maxResponseBytes: 1024 }

    it('dials the address its own lookup vetted', async () => {
      const client = new GuardedClient({ allowPrivate: true }, toLoopback)
      const res = await client.request(new URL(`http://service.example:${port}/`), init)
      client.close()
      expect(res).toEqual({ status: 200, contentType: '', text: 'hello' })
      expect(hits).toBe(1)
    })

    it('refuses a name that resolves to loopback, and loopback literals, before any byte is sent', async () => {
      const client = new GuardedClient({ allowPrivate: false }, toLoopback)
      for (const url of [`http://service.example:${port}/`, `http://127.0.0.1:${port}/`, `http://[::1]:${port}/`]) {
        await expect(client.request(new URL(url), init)).rejects.toBeInstanceOf(AddressRefusedError)
      }
      client.close()
      expect(hits).toBe(1)
    })
  })
})
