import { randomBytes } from 'node:crypto'
import { sha256Hex } from '../config.js'
import type { Client } from '../config.js'
import type { ClientsStore } from '../store/clients-store.js'

/**
 * With no client configured at all, the first start creates one admin client (DESIGN.md), stores
 * only its hash, and hands the token back once for the shell to print. It can also check, so that
 * a newcomer can try both sides with one token; real deployments configure their own clients.
 */
export function ensureFirstClient (store: ClientsStore, configured: readonly Client[], now: number): string | null {
  if (configured.length > 0 || store.all().length > 0) return null
  const token = randomBytes(32).toString('base64url')
  store.add({ name: 'first-admin', roles: ['admin', 'check'], tokenSha256: sha256Hex(token) }, now)
  return token
}
