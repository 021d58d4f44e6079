import type { AttemptsStore } from '../store/attempts-store.js'
import type { AuditStore, AuditWriter } from '../audit/index.js'
import type { EntriesService } from './entries.js'

/** One blocked attempt on a block, as its audit row holds it: ids, never the detail tried. */
export interface BlockAttempt {
  auditId: number
  /** the anchor (L<seq>:<mac>) of the audit chain's link that covers the row; null if none does */
  link: string | null
  at: number
  prisoner: string
  channel: string
  establishment: string
  /** the client that asked (the phone system, the mail room's page, Postfix's policy service) */
  client: string
}

export interface AttemptsPage {
  entryId: string
  reference: string
  establishment: string
  items: BlockAttempt[]
  counts: { total: number, byPrisoner: Array<{ prisoner: string, attempts: number }>, byChannel: Array<{ channel: string, attempts: number }> }
  next: number | null
}

export interface AttemptsQuery { from?: number, to?: number, before?: number, limit: number }

/**
 * The blocked attempts on one block, newest first, read from the audit trail (check.decide rows
 * naming it). Every check is made here, so each attempt's establishment is this daemon's own.
 */
export function createAttemptsService (deps: { audit: AuditStore, auditWriter: AuditWriter, attempts: AttemptsStore, entries: EntriesService, establishment: string }) {
  return {
    list (idOrReference: string, query: AttemptsQuery): AttemptsPage {
      const entry = deps.entries.find(idOrReference)
      // Queued check records first, so that an attempt a moment ago is already listed.
      deps.auditWriter.flush()
      const rows = deps.audit.list({ entryId: entry.id, action: 'check.decide', from: query.from, to: query.to, before: query.before }, query.limit)
      const links = deps.attempts.links(rows.map((row) => row.id))
      const items = rows.map((row): BlockAttempt => ({
        auditId: row.id,
        link: links.get(row.id) ?? null,
        at: row.at,
        prisoner: String(row.detail?.prisoner ?? ''),
        channel: String(row.detail?.channel ?? ''),
        establishment: deps.establishment,
        client: row.actor
      }))
      const byPrisoner = new Map<string, number>()
      const byChannel = new Map<string, number>()
      let total = 0
      for (const { prisoner, channel, n } of deps.attempts.counts(entry.id, query.from ?? 0, query.to ?? Number.MAX_SAFE_INTEGER)) {
        byPrisoner.set(prisoner, (byPrisoner.get(prisoner) ?? 0) + n)
        byChannel.set(channel, (byChannel.get(channel) ?? 0) + n)
        total += n
      }
      const sorted = <K extends string>(map: Map<string, number>, key: K) => [...map]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([name, attempts]) => ({ [key]: name, attempts }) as Record<K, string> & { attempts: number })
      return {
        entryId: entry.id,
        reference: entry.reference,
        establishment: deps.establishment,
        items,
        counts: { total, byPrisoner: sorted(byPrisoner, 'prisoner'), byChannel: sorted(byChannel, 'channel') },
        next: rows.length === query.limit ? rows[rows.length - 1]?.id ?? null : null
      }
    }
  }
}

export type AttemptsService = ReturnType<typeof createAttemptsService>
