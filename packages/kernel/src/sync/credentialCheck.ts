import { decodeJwt } from 'jose'
import type { AccountService, Principal } from '../accounts/AccountService.ts'

/**
 * Whether the credential an open socket authenticated with still stands: its API key not revoked, its
 * session not ended (logout, logout everywhere, a replayed refresh token, the account gone). The signature
 * and secret were verified when the socket authenticated and expiry is not judged again: an open socket
 * outlives its access token's few minutes, never a revocation. The same rules as
 * `AccountService.authenticate`, minus the clock.
 */
export async function credentialStands(
  accounts: AccountService,
  principal: Principal,
  credential: string,
): Promise<boolean> {
  const repo = accounts.repository
  if (principal.via === 'apiKey') {
    const id = /^nxk_([0-9a-f]{12})_/.exec(credential)?.[1]
    const key = id === undefined ? undefined : await repo.findApiKey(id)
    return key !== undefined && key.revokedAt === null && key.userId === principal.userId
  }
  let claims: { sub?: string; tv?: unknown; fam?: unknown }
  try {
    claims = decodeJwt(credential)
  } catch {
    return false
  }
  if (claims.sub !== principal.userId || typeof claims.fam !== 'string') return false
  const found = await repo.findSessionUser(principal.userId, claims.fam)
  return found !== undefined && found.familyLive && claims.tv === found.user.tokenVersion
}
