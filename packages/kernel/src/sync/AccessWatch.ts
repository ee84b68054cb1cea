import type { KernelErrorBody } from '@nexus/protocol'
import type { AccessChange, AccountService, Principal } from '../accounts/AccountService.ts'
import { KernelError, unlessNotFound } from '../errors.ts'
import type { PanelService } from '../panels/PanelService.ts'
import type { Client } from './Client.ts'
import { credentialStands } from './credentialCheck.ts'

/** Close code for a socket whose session ended or key was revoked: log in again before reconnecting. */
export const CLOSE_SESSION_ENDED = 4401
const SESSION_ENDED = 'Your session ended or your API key was revoked; log in again (or use a valid key) and reconnect'

/** What the watch needs from the hub's subscriptions. */
export interface SubscriptionHost {
  /** Stops frames on `channel` to the client (in this tick) without forgetting the subscription. */
  pause(client: Client, channel: string): void
  /** Sends frames on `channels` again, each starting from a fresh snapshot. */
  resume(client: Client, channels: string[]): Promise<void>
  /** Forgets the subscription. */
  leave(client: Client, channel: string): void
  fail(client: Client, error: KernelErrorBody): void
}

/**
 * Keeps open sockets within what their user may still do. When access may have ended (a membership, a key,
 * sessions — `AccountService.onAccessChange`) the concerned channels stop at once, in this tick, before any
 * further broadcast; then the socket is checked again: a credential that no longer stands closes it with
 * 4401, a channel the user may no longer see is dropped with an error naming it, and what is still allowed
 * resumes from a fresh snapshot, so nothing sent meanwhile is missed.
 */
export class AccessWatch {
  constructor(
    private readonly accounts: AccountService,
    private readonly panels: PanelService,
    private readonly host: SubscriptionHost,
    private readonly clients: Iterable<Client>,
  ) {}

  changed(change: AccessChange): void {
    for (const client of this.clients) {
      if (client.principal?.userId !== change.userId) continue
      const affected = [...client.channels].filter(
        (channel) => change.reason !== 'membership' || this.workspaceOfChannel(channel) === change.workspaceId,
      )
      if (affected.length === 0 && change.reason === 'membership') continue
      this.hold(client, affected)
    }
  }

  /** Stops `channels` for the client in this tick, then re-checks its credential and each of them. */
  hold(client: Client, channels: string[]): void {
    for (const channel of channels) this.host.pause(client, channel)
    this.recheck(client, channels).catch((error: unknown) => {
      console.error('[sync] could not re-check a socket after an access change; closing it:', error)
      client.socket.close(CLOSE_SESSION_ENDED, 'Access could not be confirmed; reconnect')
    })
  }

  /**
   * Refuses a message from a socket whose key was revoked or session ended, even when the access change was
   * missed or its re-check is still running: the error, then close 4401.
   */
  async requireLiveCredential(client: Client): Promise<void> {
    const { principal, credential } = client
    if (!principal || credential === undefined) return
    if (await credentialStands(this.accounts, principal, credential)) return
    this.endSession(client)
    throw new KernelError('UNAUTHENTICATED', SESSION_ENDED, 401)
  }

  private async recheck(client: Client, channels: string[]): Promise<void> {
    const principal = client.principal
    if (!principal) return
    if (client.credential !== undefined && !(await credentialStands(this.accounts, principal, client.credential))) {
      return this.endSession(client)
    }
    const kept: string[] = []
    for (const channel of channels) {
      if (!client.channels.has(channel)) continue
      try {
        await this.requireChannel(principal, channel)
        kept.push(channel)
      } catch (error) {
        if (!(error instanceof KernelError)) throw error
        this.host.leave(client, channel)
        this.host.fail(client, {
          code: error.code,
          message: `You can no longer see ${channel}: ${error.message}`,
          details: { channel },
        })
      }
    }
    // A socket closed meanwhile has left every channel; it must not be subscribed again.
    if (client.socket.readyState === client.socket.OPEN) await this.host.resume(client, kept)
  }

  /** Tells the client its session or key ended, and closes the socket with 4401. */
  private endSession(client: Client): void {
    this.host.fail(client, { code: 'UNAUTHENTICATED', message: SESSION_ENDED })
    client.socket.close(CLOSE_SESSION_ENDED, 'Session ended')
  }

  /** Throws unless `principal` may view `channel` now. */
  private async requireChannel(principal: Principal, channel: string): Promise<void> {
    if (channel.startsWith('panel:')) {
      const panel = await unlessNotFound(this.panels.get(channel.slice('panel:'.length)))
      await this.accounts.requireRole(principal, panel?.workspaceId ?? null, 'viewer')
      return
    }
    await this.accounts.requireRole(principal, this.workspaceOfChannel(channel) ?? null, 'viewer')
  }

  /** The workspace a channel belongs to (a panel's from the cache, which holds every subscribed panel). */
  private workspaceOfChannel(channel: string): string | undefined {
    const colon = channel.indexOf(':')
    const kind = channel.slice(0, colon)
    const id = channel.slice(colon + 1)
    if (kind === 'panel') return this.panels.cached(id)?.workspaceId ?? undefined
    return id
  }
}
