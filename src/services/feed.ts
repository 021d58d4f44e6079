import { signChange } from '../domain/feed-signature.js'
import type { FeedSigner } from '../domain/feed-signature.js'
import type { ChangesStore } from '../store/changes-store.js'
import type { EntriesStore } from '../store/entries-store.js'
import type { FeedChange, FeedPage } from '../schemas/feed.js'
import { toFeedEntry } from './entry-records.js'

/**
 * The hub side of sync: the changes after a cursor that concern one establishment (its
 * establishment-scope entries, prisoner-scope entries for prisoners it holds, every national
 * entry), oldest first. The log is compacted per entry, so a cursor of 0 reads a full snapshot.
 * With a signer, each change carries its signature for that establishment and seq (docs/SYNC.md).
 */
export function createFeedService (changes: ChangesStore, entries: EntriesStore, signer: FeedSigner | null = null) {
  return {
    page (establishment: string, since: number, limit: number): FeedPage {
      // One more than asked tells whether there is more without a second query.
      const rows = changes.after(establishment, since, limit + 1)
      const hasMore = rows.length > limit
      const page = rows.slice(0, limit)
      const found = entries.many(page.filter((row) => row.op === 'upsert').map((row) => row.entry_id))
      const out: FeedChange[] = page.map((row) => {
        const entry = row.op === 'upsert' ? found.get(row.entry_id) : undefined
        // An upsert whose entry is gone cannot happen (entries are never deleted at the hub);
        // saying remove is the safe reading if it ever did. An erased entry (retention) is a remove
        // too, whatever moved it since (a transfer): its details are gone here and must go there.
        const change: FeedChange = entry === undefined || (entry.row.erased_at ?? null) !== null
          ? { seq: row.seq, op: 'remove', entry: { id: row.entry_id } }
          : { seq: row.seq, op: 'upsert', entry: toFeedEntry(entry.row, entry.details) }
        return signer === null ? change : { ...change, ...signChange(signer, establishment, change) }
      })
      const next = page.length === 0 ? since : (page[page.length - 1] as { seq: number }).seq
      return { changes: out, next, hasMore }
    }
  }
}

export type FeedService = ReturnType<typeof createFeedService>
