import { randomBytes } from 'node:crypto'
import { sha256Hex } from '../config.js'
import { weakTokenReason } from '../domain/weak-token.js'
import type { Client, Role } from '../config.js'
import type { AuditStore } from '../audit/index.js'
import type { ClientsStore } from '../store/clients-store.js'

/** A client made on the host, not through the API: its token, shown once, and the client kept. */
export interface MadeClient { client: Client, token: string }

/** A new client with a random 256-bit token; only the token's SHA-256 is ever kept. */
export function makeClient (name: string, roles: Role[]): MadeClient {
  // 32 random bytes almost never spell a pattern configured tokens are refused for; if they do, draw again.
  let token = randomBytes(32).toString('base64url')
  while (weakTokenReason(token) !== null) token = randomBytes(32).toString('base64url')
  return { client: { name, roles, tokenSha256: sha256Hex(token) }, token }
}

/**
 * With no client configured or stored, a first start makes one admin client that can also check,
 * so that a newcomer can try both sides with one token; real deployments configure their own.
 * It is made here and admitted at once, but stored only by keepFirstClient once the daemon is
 * listening: a start that fails before then (a port in use) keeps nothing, so the next start
 * makes and shows a new token instead of none.
 */
export function firstClientIfNone (store: ClientsStore, configured: readonly Client[]): MadeClient | null {
  if (configured.length > 0 || store.all().length > 0) return null
  return makeClient('first-admin', ['admin', 'check'])
}

export function keepFirstClient (store: ClientsStore, made: MadeClient, now: number): void {
  if (store.all().some((client) => client.name === made.client.name)) return
  store.add(made.client, now)
}

/**
 * A client added on the host (scripts/admin-token.ts), for an operator who has lost the admin token:
 * stored and audited (its name and roles, never the token); the daemon admits it from its next start.
 */
export function addHostClient (store: ClientsStore, audit: AuditStore, made: MadeClient, actor: string, now: number): void {
  store.add(made.client, now)
  audit.append({ at: now, actor, action: 'client.create', entryId: null, reason: null, detail: { name: made.client.name, roles: made.client.roles } })
}
