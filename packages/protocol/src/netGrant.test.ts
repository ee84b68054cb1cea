import { describe, expect, it } from 'vitest'
import { canonicalHost, hostListed, netCapability, netGranted } from './netGrant.ts'

describe('net grants', () => {
  it('writes every spelling of a host one way', () => {
    const spellings = [
      '[::FFFF:127.0.0.1]',
      '::1',
      '[0:0::1]',
      '2130706433',
      '0x7f.1',
      'Api.Example.COM.',
      'a b',
      'x:80',
    ]
    expect(Object.fromEntries(spellings.map((h) => [h, canonicalHost(h) ?? null]))).toMatchInlineSnapshot(`
      {
        "0x7f.1": "127.0.0.1",
        "2130706433": "127.0.0.1",
        "::1": "[::1]",
        "Api.Example.COM.": "api.example.com",
        "[0:0::1]": "[::1]",
        "[::FFFF:127.0.0.1]": "[::ffff:7f00:1]",
        "a b": null,
        "x:80": null,
      }
    `)
  })

  it('matches net:* and the host in any spelling, IPv6 included', () => {
    expect(netGranted(['net:*'], '[::ffff:7f00:1]')).toBe(true)
    expect(netGranted(['net:[::1]'], '[0::1]')).toBe(true)
    expect(netGranted(['net:::1'], '[::1]')).toBe(true)
    expect(netGranted(['net:[::1]'], '[::2]')).toBe(false)
    expect(netGranted(['net:[::ffff:127.0.0.1]'], '127.0.0.1')).toBe(false)
    expect(netGranted(['net:api.example.com'], 'API.example.com.')).toBe(true)
    expect(netGranted(['net:api.example.com'], 'evil.example.com')).toBe(false)
    expect(netCapability('[::FFFF:127.0.0.1]')).toBe('net:[::ffff:7f00:1]')
    expect(hostListed(['::1', 'api.example.com'], '[::1]')).toBe(true)
    expect(hostListed(['api.example.com'], '[::1]')).toBe(false)
  })
})
