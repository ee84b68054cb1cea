/**
 * One spelling per host for `net:<host>` grants, so the sandbox, capability inference and `nexus.http` agree.
 *
 * The canonical host is what the WHATWG URL parser makes of it, lower-cased, with one trailing dot dropped:
 * names as `api.example.com`, IPv4 dotted-decimal (`2130706433`, `0x7f.1` → `127.0.0.1`) and IPv6 in
 * brackets, compressed (`[::FFFF:127.0.0.1]` → `[::ffff:7f00:1]`). A grant is `net:*` or `net:<host>`
 * written in any spelling of the same host; the bracketed IPv6 form is the one inference writes.
 */

/** The `net:` grant that covers every host. */
export const NET_ANY = 'net:*'

/**
 * The canonical form of `host` (a URL's hostname or a grant's scope), or undefined when it is not a host.
 *
 * @example canonicalHost('[::ffff:127.0.0.1]') // '[::ffff:7f00:1]'
 */
export function canonicalHost(host: string): string | undefined {
  if (host === '' || /[\s/\\?#@]/.test(host)) return undefined
  // A bare IPv6 address (`::1`) is accepted in grants and allow-lists; the URL parser needs brackets.
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  let url: URL
  try {
    url = new URL(`http://${bracketed}/`)
  } catch {
    return undefined
  }
  if (url.port !== '' || url.hostname === '') return undefined
  return url.hostname.toLowerCase().replace(/(?<=[^.])\.$/, '')
}

/** The canonical host of an absolute http(s) URL, or undefined when `url` is not one. */
export function urlHost(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined
  return canonicalHost(parsed.hostname)
}

/** The grant that names `host` exactly: `net:<canonical host>` (`net:[::1]`, `net:api.example.com`). */
export function netCapability(host: string): string {
  return `net:${canonicalHost(host) ?? host}`
}

/** Whether `capabilities` let a handler reach `host`: `net:*`, or `net:<host>` in any spelling of it. */
export function netGranted(capabilities: readonly string[], host: string): boolean {
  const wanted = canonicalHost(host)
  if (wanted === undefined) return false
  for (const capability of capabilities) {
    if (capability === NET_ANY) return true
    if (capability.startsWith('net:') && canonicalHost(capability.slice('net:'.length)) === wanted) return true
  }
  return false
}

/** Whether `host` is on a server allow-list (`*` or any spelling of the host), as `nexus.http` reads it. */
export function hostListed(allow: readonly string[], host: string): boolean {
  const wanted = canonicalHost(host)
  return wanted !== undefined && allow.some((entry) => entry === '*' || canonicalHost(entry.trim()) === wanted)
}
