import { lookup as systemLookup } from 'node:dns/promises'
import type { LookupAddress, LookupOptions } from 'node:dns'
import type { LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'

/**
 * Which addresses outbound connections may reach. Only public unicast addresses pass: IPv4 outside every
 * special range, IPv6 inside 2000::/3 outside every special range. An address that embeds an IPv4 one
 * (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged by that IPv4 address.
 * The policy is applied to the address each connection actually uses (see `guardedLookup`), so a name
 * that resolves differently at check time and at connect time (DNS rebinding) cannot slip through.
 */
export interface AddressPolicy {
  /** Private, loopback and other special addresses pass too (tests, trusted setups); all are still classified. */
  allowPrivate: boolean
}

/** How an address was classified: `range` is ipaddr.js's name (`unicast` when public). */
export interface AddressClass {
  public: boolean
  range: string
  /** The IPv4 address it embeds and how (`IPv4-mapped`, `NAT64`, `6to4`), when it was judged by that. */
  embedded?: { ipv4: string; via: string }
}

const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3')
const NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96')
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16')

/** Classifies an IP address (any spelling ipaddr.js parses, a zone id allowed); throws on a non-address. */
export function classifyAddress(address: string): AddressClass {
  const ip = ipaddr.parse(address)
  if (ip.kind() === 'ipv4') {
    const range = (ip as ipaddr.IPv4).range()
    return { public: range === 'unicast', range }
  }
  const v6 = ip as ipaddr.IPv6
  const embedded = embeddedIPv4(v6)
  if (embedded) {
    const range = embedded.ipv4.range()
    return { public: range === 'unicast', range, embedded: { ipv4: embedded.ipv4.toString(), via: embedded.via } }
  }
  const range = v6.range()
  // Outside 2000::/3 nothing is allocated for global unicast (`::a.b.c.d`, for one, is not a route out).
  if (range === 'unicast' && !v6.match(GLOBAL_UNICAST)) return { public: false, range: 'reserved' }
  return { public: range === 'unicast', range }
}

function embeddedIPv4(v6: ipaddr.IPv6): { ipv4: ipaddr.IPv4; via: string } | undefined {
  const p = v6.parts
  const quad = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff])
  if (v6.isIPv4MappedAddress()) return { ipv4: v6.toIPv4Address(), via: 'IPv4-mapped' }
  if (v6.match(NAT64)) return { ipv4: quad(p[6] ?? 0, p[7] ?? 0), via: 'NAT64' }
  if (v6.match(SIX_TO_FOUR)) return { ipv4: quad(p[1] ?? 0, p[2] ?? 0), via: '6to4' }
  return undefined
}

/** A connection refused by the policy; `nexus.http` answers it as HOST_NOT_ALLOWED. */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError'
  readonly code = 'HOST_NOT_ALLOWED'
  constructor(
    readonly host: string,
    readonly address: string,
    /** Undefined when `address` is not an IP address at all. */
    readonly verdict: AddressClass | undefined,
  ) {
    super(`${host === address ? address : `${host} resolves to ${address}, which`} is ${describe(verdict)}`)
  }
}

function describe(verdict: AddressClass | undefined): string {
  if (!verdict) return 'not an IP address'
  if (verdict.public) return 'a public address'
  const what = RANGE_NAMES[verdict.range] ?? verdict.range
  return `not a public address (${verdict.embedded ? `${what} ${verdict.embedded.ipv4}, ${verdict.embedded.via}` : what})`
}

const RANGE_NAMES: Record<string, string> = {
  carrierGradeNat: 'carrier-grade NAT',
  linkLocal: 'link-local',
  uniqueLocal: 'unique local',
  deprecatedSiteLocal: 'site-local',
  rfc6145: 'IPv4-translated',
  rfc6052: 'NAT64 local use',
  teredo: 'Teredo',
  as112: 'AS112',
  as112v6: 'AS112',
  amt: 'AMT',
}

/** Throws `AddressRefusedError` unless `policy` lets a connection for `host` go to `address`. */
export function vetAddress(host: string, address: string, policy: AddressPolicy): void {
  let verdict: AddressClass
  try {
    verdict = classifyAddress(address)
  } catch {
    throw new AddressRefusedError(host, address, undefined)
  }
  if (!verdict.public && !policy.allowPrivate) throw new AddressRefusedError(host, address, verdict)
}

/** Resolves a name to every address it has (the system resolver by default; tests inject their own). */
export type Resolver = (host: string) => Promise<readonly LookupAddress[]>

const systemResolver: Resolver = (host) => systemLookup(host, { all: true, verbatim: true })

/**
 * A `lookup` for `net.connect`/`http.request`: resolves the name, vets every address it resolves to (one
 * refused address refuses the name) and hands the connection only those vetted addresses. Node skips
 * `lookup` for IP literals, so callers vet those with `vetAddress` before connecting.
 */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolve(hostname).then(
      (resolved) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family
        const addresses = resolved.filter((a) => !family || a.family === family)
        try {
          for (const { address } of resolved) vetAddress(hostname, address, policy)
        } catch (error) {
          return callback(error as NodeJS.ErrnoException, '')
        }
        const first = addresses[0]
        if (!first) return callback(notFound(hostname), '')
        if (options.all) return callback(null, addresses)
        return callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    )
  }
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname })
}
