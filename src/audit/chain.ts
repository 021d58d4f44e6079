import { createHash, createHmac, hash, hkdfSync, timingSafeEqual } from 'node:crypto'
import type { Hash } from 'node:crypto'
import type { Db } from '../store/db.js'

/**
 * The audit trail's keyed chain of links (the protocol: src/audit/index.ts; the operator's view:
 * docs/AUDIT.md).
 *
 * Every write transaction that appends audit rows appends one link to audit_link:
 *   mac = HMAC-SHA256(auditKey, JSON ["upc-audit-link-v2", seq, prev_mac, first_id, last_id, digest])
 * where prev_mac is the mac of link seq - 1 (GENESIS for link 1), the rows first_id..last_id are
 * the rows of that transaction, all of them, and digest is the SHA-256 (hex) of their lines, in id
 * order, each the JSON array [id, at, actor, action, entry_id, reason, detail] (the columns as
 * stored: detail is its JSON text, a sealed value its sealed text) and a newline. auditKey is
 * derived from the daemon's HMAC key (HKDF-SHA256, its own label), which is never in the store: a
 * copy of the database alone cannot make a link that verifies.
 *
 * Rows written before the chain was keyed keep their plain SHA-256 chain (prev_hash, hash:
 * "upc-audit-v1", kept so that anchors noted then still hold) and are covered, all of them, by the
 * first link, which the daemon writes at its first start with the key.
 */

export const GENESIS = '0'.repeat(64)
const V1 = 'upc-audit-v1'
const LINK = 'upc-audit-link-v2'
const KEY_LABEL = 'upc-guard audit chain v2'

/** The key the links are made with: derived, so that the daemon's key itself is never used twice. */
export function auditKey (hashKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', hashKey, Buffer.alloc(0), KEY_LABEL, 32))
}

/** The columns of a row that its link covers, as stored. */
export interface LinkedRow { id: number, at: number, actor: string, action: string, entry_id: string | null, reason: string | null, detail: string | null }

/** One row's line in its link's digest. */
export function addRow (digest: Hash, row: LinkedRow): void {
  digest.update(`${JSON.stringify([row.id, row.at, row.actor, row.action, row.entry_id, row.reason, row.detail])}\n`)
}

/** A run of check decisions' line in its link's digest: a header line, then their records as stored. */
export function addChecks (digest: Hash, firstId: number, lastId: number, records: string): void {
  digest.update(`["checks",${firstId},${lastId}]\n`)
  digest.update(records)
  digest.update('\n')
}

export const newDigest = (): Hash => createHash('sha256')

export function linkMac (key: Buffer, seq: number, prevMac: string, firstId: number, lastId: number, digest: string): string {
  return createHmac('sha256', key).update(JSON.stringify([LINK, seq, prevMac, firstId, lastId, digest])).digest('hex')
}

/** The plain hash of a row written before the chain was keyed (migrations/005). */
export function auditHash (prevHash: string, id: number, at: number, actor: string, action: string,
  entryId: string | null, reason: string | null, detail: string | null): string {
  return hash('sha256', JSON.stringify([V1, prevHash, id, at, actor, action, entryId, reason, detail]), 'hex')
}

/**
 * A lone UTF-16 surrogate would be stored as bytes that read back as other characters, and the row
 * would no longer match its link: text is made well-formed (U+FFFD) before it is stored.
 */
export function wellFormed (text: string): string
export function wellFormed (text: string | null): string | null
export function wellFormed (text: string | null): string | null {
  return text === null || text.isWellFormed() ? text : text.toWellFormed()
}

/** SQL functions the migrations use (005 hashes the rows that were there before the chain). */
export function registerChainFunctions (db: Db): void {
  db.function('upc_audit_hash', { deterministic: true, varargs: false },
    (prev: unknown, id: unknown, at: unknown, actor: unknown, action: unknown, entryId: unknown, reason: unknown, detail: unknown) =>
      auditHash(prev as string, Number(id), Number(at), actor as string, action as string,
        entryId as string | null, reason as string | null, detail as string | null))
}

/**
 * A point of the chain noted where the store's host cannot rewrite it (a log shipper, a ticket):
 * a link (`L<seq>:<mac>`, what the daemon logs and `npm run audit:anchor` prints), or a row's plain
 * hash noted before the chain was keyed (`<id>:<hash>`).
 */
export type ChainAnchor = { link: number, mac: string } | { id: number, hash: string }

export function formatAnchor (link: { seq: number, mac: string }): string {
  return `L${link.seq}:${link.mac}`
}

export function parseAnchor (text: string): ChainAnchor | null {
  const link = /^L([1-9][0-9]{0,15}):([0-9a-fA-F]{64})$/.exec(text)
  if (link !== null) return { link: Number(link[1]), mac: (link[2] as string).toLowerCase() }
  const row = /^([1-9][0-9]{0,15}):([0-9a-fA-F]{64})$/.exec(text)
  if (row !== null) return { id: Number(row[1]), hash: (row[2] as string).toLowerCase() }
  return null
}

export type ChainProblem = 'unkeyed' | 'link' | 'gap' | 'mac' | 'unlinked' | 'cut' | 'plain' | 'anchor'

export interface ChainReport {
  ok: boolean
  /** rows proved: each inside a link whose MAC holds, in an unbroken run of links from link 1 */
  rows: number
  links: number
  /** the first break, in words with ids only; the link it is in when there is one */
  broken: { id: number | null, link: number | null, problem: ChainProblem, message: string } | null
  /** the last link proved: the anchor to note elsewhere */
  head: { seq: number, lastId: number, mac: string } | null
  /** anchors given that hold */
  anchors: number
}

interface ChainRow extends LinkedRow { prev_hash: string | null, hash: string | null }
interface ChecksRow { first_id: number, last_id: number, records: string }
/** What the walk takes next, in id order: a row, or a run of checks (ids first..last). */
interface Unit { first: number, last: number, row: ChainRow | null, checks: ChecksRow | null }
interface LinkRow { seq: number, first_id: number, last_id: number, mac: string }

const sameHex = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

const span = (from: number, to: number) => from === to ? `row ${from}` : `rows ${from} to ${to}`

/**
 * Walks the links in order and the rows in id order, together, streaming, in one read transaction
 * (a snapshot: a daemon appending meanwhile is not mistaken for a break); stops at the first break.
 * Proves that every row is in a link made with the key, that each link follows the one before it,
 * and that no row a link covers was changed, added or removed. What it cannot prove alone: that no
 * links were cut from the end (a whole store rolled back): each anchor given must still hold.
 */
export function verifyChain (db: Db, hashKey: Buffer, anchors: readonly ChainAnchor[] = []): ChainReport {
  const key = auditKey(hashKey)
  const report: ChainReport = { ok: true, rows: 0, links: 0, broken: null, head: null, anchors: 0 }
  const linkAnchors = new Map<number, string>()
  const rowAnchors = new Map<number, string>()
  for (const anchor of anchors) {
    if ('link' in anchor) linkAnchors.set(anchor.link, anchor.mac.toLowerCase())
    else rowAnchors.set(anchor.id, anchor.hash.toLowerCase())
  }
  const fail = (id: number | null, link: number | null, problem: ChainProblem, message: string): ChainReport => {
    report.ok = false
    report.broken = { id, link, problem, message }
    return report
  }
  let links: IterableIterator<LinkRow> | undefined
  let rows: IterableIterator<ChainRow> | undefined
  let batches: IterableIterator<ChecksRow> | undefined
  db.exec('BEGIN')
  try {
    const keying = db.prepare("SELECT up_to FROM audit_keying WHERE id = 1").pluck().get() as number | undefined
    const sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").pluck().get() as number | undefined
    links = db.prepare('SELECT seq, first_id, last_id, mac FROM audit_link ORDER BY seq').iterate() as IterableIterator<LinkRow>
    rows = db.prepare(`SELECT id, at, actor, action, entry_id, reason, detail, prev_hash, hash
      FROM audit ORDER BY id`).iterate() as IterableIterator<ChainRow>
    batches = db.prepare('SELECT first_id, last_id, records FROM audit_checks ORDER BY first_id').iterate() as IterableIterator<ChecksRow>
    let nextRow = rows.next().value as ChainRow | undefined
    let nextChecks = batches.next().value as ChecksRow | undefined
    /** The row or run of checks with the lowest id still to walk. */
    const take = (): Unit | undefined => {
      if (nextRow !== undefined && (nextChecks === undefined || nextRow.id < nextChecks.first_id)) {
        const unit = { first: nextRow.id, last: nextRow.id, row: nextRow, checks: null }
        nextRow = rows?.next().value as ChainRow | undefined
        return unit
      }
      if (nextChecks === undefined) return undefined
      const unit = { first: nextChecks.first_id, last: nextChecks.last_id, row: null, checks: nextChecks }
      nextChecks = batches?.next().value as ChecksRow | undefined
      return unit
    }
    let row = take()
    let prevMac = GENESIS
    let lastId = 0
    let plainPrev = GENESIS
    for (const link of links) {
      const seq = report.links + 1
      if (link.seq !== seq) {
        return fail(null, seq, 'link', link.seq === seq + 1 ? `link ${seq} is missing (the next is link ${link.seq})` : `links ${seq} to ${link.seq - 1} are missing (the next is link ${link.seq})`)
      }
      if (row !== undefined && row.first < link.first_id) {
        return fail(row.first, null, 'unlinked', `${span(row.first, Math.min(link.first_id - 1, row.last))} ${row.first === Math.min(link.first_id - 1, row.last) ? 'is' : 'are'} in no link: written without the key, or the link was removed`)
      }
      if (link.first_id <= lastId || link.last_id < link.first_id) {
        return fail(link.first_id, link.seq, 'link', `link ${link.seq} does not follow link ${link.seq - 1}: it names rows ${link.first_id} to ${link.last_id}`)
      }
      const digest = newDigest()
      let expected = link.first_id
      while (row !== undefined && row.first <= link.last_id) {
        if (row.first !== expected) {
          return fail(expected, link.seq, 'gap', `${span(expected, row.first - 1)} of link ${link.seq} ${expected === row.first - 1 ? 'is' : 'are'} missing`)
        }
        if (row.last > link.last_id || row.last < row.first) {
          return fail(row.first, link.seq, 'link', `the checks of ${span(row.first, row.last)} do not lie inside link ${link.seq}`)
        }
        const plain = row.row
        if (plain === null) {
          addChecks(digest, row.first, row.last, (row.checks as ChecksRow).records)
        } else {
          // Rows from before the chain was keyed also keep their plain chain (anchors noted then).
          if (plain.hash !== null) {
            if (plain.prev_hash !== plainPrev || plain.hash !== auditHash(plainPrev, plain.id, plain.at, plain.actor, plain.action, plain.entry_id, plain.reason, plain.detail)) {
              return fail(plain.id, link.seq, 'plain', `row ${plain.id} does not match its plain hash (written before the chain was keyed): it was changed`)
            }
            plainPrev = plain.hash
          }
          const anchored = rowAnchors.get(plain.id)
          if (anchored !== undefined) {
            if (plain.hash === null || !sameHex(plain.hash, anchored)) return fail(plain.id, link.seq, 'anchor', `row ${plain.id} does not have the hash anchored for it: the trail was rewritten or rolled back`)
            report.anchors++
          }
          addRow(digest, plain)
        }
        expected = row.last + 1
        row = take()
      }
      if (expected <= link.last_id) {
        return fail(expected, link.seq, 'gap', `${span(expected, link.last_id)} of link ${link.seq} ${expected === link.last_id ? 'is' : 'are'} missing`)
      }
      const mac = linkMac(key, link.seq, prevMac, link.first_id, link.last_id, digest.digest('hex'))
      if (!sameHex(mac, link.mac)) {
        return fail(link.first_id, link.seq, 'mac', `link ${link.seq} (${span(link.first_id, link.last_id)}) does not verify with the key: a row in it was changed, or the link was made without the key`)
      }
      const anchored = linkAnchors.get(link.seq)
      if (anchored !== undefined) {
        if (!sameHex(link.mac, anchored)) return fail(link.first_id, link.seq, 'anchor', `link ${link.seq} is not the link anchored: the trail was rewritten or rolled back`)
        report.anchors++
      }
      prevMac = link.mac
      lastId = link.last_id
      report.links++
      report.rows += link.last_id - link.first_id + 1
      report.head = { seq: link.seq, lastId: link.last_id, mac: link.mac }
    }
    if (row !== undefined) {
      if (report.links === 0) {
        return fail(row.first, null, 'unkeyed', keying !== undefined
          ? `no link yet: rows 1 to ${keying} were written before the chain was keyed (start the daemon once with its key)`
          : `row ${row.first} is in no link and there is no link at all: the chain's head is missing`)
      }
      return fail(row.first, null, 'unlinked', `row ${row.first} and any after it are in no link: written without the key after link ${report.links}`)
    }
    if (sequence !== undefined && sequence > lastId) {
      return fail(lastId + 1, null, 'cut', `${span(lastId + 1, sequence)} ${lastId + 1 === sequence ? 'is' : 'are'} missing from the end`)
    }
    const beyond = [...linkAnchors.keys()].filter((seq) => seq > report.links).sort((a, b) => a - b)[0]
    if (beyond !== undefined) return fail(null, beyond, 'anchor', `link ${beyond}, anchored, is missing: the trail was cut or rolled back`)
    const rowBeyond = [...rowAnchors.keys()].filter((id) => id > lastId).sort((a, b) => a - b)[0]
    if (rowBeyond !== undefined) return fail(rowBeyond, null, 'anchor', `row ${rowBeyond}, anchored, is missing: the trail was cut or rolled back`)
    return report
  } finally {
    // An iterator left open at a break holds the connection busy.
    links?.return?.()
    rows?.return?.()
    batches?.return?.()
    db.exec('COMMIT')
  }
}
