import type { WebSocket } from 'ws'
import type { Principal } from '../accounts/AccountService.ts'
import { KernelError } from '../errors.ts'
import type { EntityPredicate } from '../nog/filter.ts'
import type { MessageRate } from './MessageRate.ts'
import type { Outbox } from './Outbox.ts'

/** What one client sees of a workspace graph: its filter and the entity ids it holds. */
export interface NogView {
  matches: EntityPredicate
  ids: Set<string>
}

/** One WebSocket connection: its channels, graph views, outgoing side and who it is. */
export interface Client {
  socket: WebSocket
  outbox: Outbox
  channels: Set<string>
  nogViews: Map<string, NogView>
  /** Settles once the upgrade request's credential (cookie or header) is checked. */
  auth: Promise<Principal | undefined>
  principal?: Principal
  /** The credential the principal came from (cookie, header or `hello`), checked again when access changes. */
  credential?: string
  /** This socket's message budget. */
  rate: MessageRate
}

/** Who the client is; UNAUTHENTICATED until its cookie, header or `hello {token}` says. */
export function principalOf(client: Client): Principal {
  if (!client.principal)
    throw new KernelError('UNAUTHENTICATED', 'Log in first, or send {"type":"hello","token":…}', 401)
  return client.principal
}
