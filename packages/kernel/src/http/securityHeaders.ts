import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { THEME_CSS } from '@nexus/reactor'
import helmet from 'helmet'

/** The studio's one inline style: the reactor's theme, injected as a `<style>` element at start. */
const THEME_STYLE_HASH = `'sha256-${createHash('sha256').update(THEME_CSS).digest('base64')}'`

/** A Host header we are willing to echo into the policy: a name or IP literal with an optional port. */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i

/**
 * The studio's WebSocket (`/ws`) on the host the page came from. CSP3 lets `'self'` match ws:/wss: on the same
 * host, but older engines do not; naming them keeps the sync socket working everywhere.
 */
function sameHostSockets(req: IncomingMessage): string {
  const host = req.headers.host ?? ''
  return PLAIN_HOST.test(host) ? `ws://${host} wss://${host}` : ''
}

/**
 * Security headers on every answer the kernel gives (studio pages and assets, API, health, errors): a
 * Content-Security-Policy and helmet's companions. The studio is a Vite build — module scripts from its own
 * origin, no inline script — so scripts stay `'self'`. Styles too, plus the hash of the reactor's theme,
 * which the studio injects as a `<style>` element; components set styles through the CSSOM (React `style`,
 * charts), which the policy does not govern.
 * Images may come from any http(s) URL or a `data:` image, as the panels' `<Image>` and Markdown allow.
 * No `upgrade-insecure-requests`: a kernel served over plain HTTP on a LAN would break itself.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", THEME_STYLE_HASH],
        'img-src': ["'self'", 'data:', 'https:', 'http:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'", sameHostSockets],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // No includeSubDomains: a self-hosted kernel must not decide HTTPS for its neighbours on the domain.
    strictTransportSecurity: { maxAge: 180 * 24 * 3600, includeSubDomains: false },
  })
}
