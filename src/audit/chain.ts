import { createHmac, hash, timingSafeEqual } from 'node:crypto'
import type { Db } from '../store/db.js'

/**
 * The audit trail's hash chain (docs/RELIABILITY.md, "Tamper-evident audit").
 *
 * Each row stores prev_hash (the hash of the row before it; GENESIS for the first) and
 * hash = SHA-256 (hex) of the UTF-8 of the JSON array
 *   ["upc-audit-v1", prev_hash, id, at, actor, action, entry_id, reason, detail]
 * where detail is the JSON text as stored (not re-serialised) and absent values are null. A JSON
 * array of strings, integers and nulls has one reading only, so no two rows encode alike.
 *
 * The head (the last row's id and hash) is also kept in audit_head with an HMAC under a key derived
 * from the daemon's key file: whoever rewrites the chain from some row onward and recomputes every
 * hash still cannot make that MAC without the key.
 */

export const GENESIS = '0'.repeat(64)
const VERSION = 'upc-audit-v1'
const HEAD_LABEL = 'upc-guard audit head v1'

export function auditHash (prevHash: string, id: number, at: number, actor: string, action: string,
  entryId: string | null, reason: string | null, detail: string | null): string {
  return hash('sha256', JSON.stringify([VERSION, prevHash, id, at, actor, action, entryId, reason, detail]), 'hex')
}

/**
 * A lone UTF-16 surrogate would be stored as bytes that read back as other characters, and the row
 * would no longer hash as written: text is made well-formed (U+FFFD) before it is hashed and stored.
 */
export function wellFormed (text: string): string
export function wellFormed (text: string | null): string | null
export function wellFormed (text: string | null): string | null {
  return text === null || text.isWellFormed() ? text : text.toWellFormed()
}

/** The key the head's MAC is made with: derived, so the daemon's key itself is never used twice. */
export function headKey (daemonKey: Buffer): Buffer {
  return createHmac('sha256', daemonKey).update(HEAD_LABEL).digest()
}

export function headMac (key: Buffer, auditId: number, headHash: string): string {
  return createHmac('sha256', key).update(JSON.stringify([HEAD_LABEL, auditId, headHash])).digest('hex')
}

/** SQL functions the migrations use (005 hashes the rows that were there before the chain). */
export function registerChainFunctions (db: Db): void {
  db.function('upc_audit_hash', { deterministic: true, varargs: false },
    (prev: unknown, id: unknown, at: unknown, actor: unknown, action: unknown, entryId: unknown, reason: unknown, detail: unknown) =>
      auditHash(prev as string, Number(id), Number(at), actor as string, action as string,
        entryId as string | null, reason as string | null, detail as string | null))
}

export type ChainProblem = 'gap' | 'prev' | 'hash' | 'head' | 'anchor'

/** A row's hash noted somewhere the store's host cannot rewrite (a log shipper, a ticket). */
export interface ChainAnchor { id: number, hash: string }

export interface ChainReport {
  /** rows found intact, in id order, before the first broken one */
  checked: number
  ok: boolean
  /** the first broken link: the row id and what is wrong, in words with ids only */
  broken: { id: number, problem: ChainProblem, message: string } | null
  /** the keyed head: verified, not checked (no key given), or absent (no keyed writer yet) */
  head: 'verified' | 'not-checked' | 'absent'
  lastId: number | null
  /** the last row's hash: worth noting elsewhere, as an anchor for a later check */
  lastHash: string | null
}

interface ChainRow { id: number, at: number, actor: string, action: string, entry_id: string | null, reason: string | null, detail: string | null, prev_hash: string | null, hash: string | null }
interface HeadRow { audit_id: number, hash: string, mac: string }

const sameHex = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

/**
 * Walks the whole chain in id order, streaming, in one read transaction (a snapshot: a daemon
 * appending meanwhile is not mistaken for a break). Stops at the first broken link.
 * With the daemon's key, also checks the keyed head: its MAC, that the row it names has the hash
 * it names, and that no row was added after it or cut from the end. Each anchor's row must still
 * have the anchored hash: that catches what the key cannot (a rollback, a key holder's rewrite).
 */
export function verifyChain (db: Db, daemonKey?: Buffer, anchors: readonly ChainAnchor[] = []): ChainReport {
  const report: ChainReport = { checked: 0, ok: true, broken: null, head: daemonKey === undefined ? 'not-checked' : 'absent', lastId: null, lastHash: null }
  const anchored = new Map(anchors.map((anchor) => [anchor.id, anchor.hash.toLowerCase()]))
  const fail = (id: number, problem: ChainProblem, message: string): ChainReport => {
    report.ok = false
    report.broken = { id, problem, message }
    return report
  }
  db.exec('BEGIN')
  try {
    const head = db.prepare('SELECT audit_id, hash, mac FROM audit_head WHERE id = 1').get() as HeadRow | undefined
    const sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").pluck().get() as number | undefined
    const rows = db.prepare(`SELECT id, at, actor, action, entry_id, reason, detail, prev_hash, hash
      FROM audit ORDER BY id`).iterate() as IterableIterator<ChainRow>
    let expectedId = 1
    let prev = GENESIS
    let headSeen = false
    for (const row of rows) {
      if (row.id !== expectedId) {
        return fail(expectedId, 'gap', expectedId === row.id - 1
          ? `row ${expectedId} is missing (the next row is ${row.id})`
          : `rows ${expectedId} to ${row.id - 1} are missing (the next row is ${row.id})`)
      }
      if (row.prev_hash !== prev) {
        return fail(row.id, 'prev', row.id === 1
          ? 'row 1 does not start from the genesis hash'
          : `row ${row.id} does not link to row ${row.id - 1}: row ${row.id - 1} was changed or replaced, or this link was`)
      }
      const computed = auditHash(prev, row.id, row.at, row.actor, row.action, row.entry_id, row.reason, row.detail)
      if (row.hash === null || row.hash !== computed) {
        return fail(row.id, 'hash', row.hash === null ? `row ${row.id} has no hash` : `row ${row.id} does not match its hash: its content was changed`)
      }
      if (daemonKey !== undefined && head !== undefined && row.id === head.audit_id) {
        headSeen = true
        if (!sameHex(row.hash, head.hash)) {
          return fail(row.id, 'head', `row ${row.id} is not the row the keyed head recorded: the chain was rewritten up to it`)
        }
      }
      const anchor = anchored.get(row.id)
      if (anchor !== undefined && !sameHex(row.hash, anchor)) {
        return fail(row.id, 'anchor', `row ${row.id} does not have the hash anchored for it: the trail was rewritten or rolled back`)
      }
      prev = row.hash
      report.checked++
      report.lastId = row.id
      report.lastHash = row.hash
      expectedId = row.id + 1
    }
    if (sequence !== undefined && sequence >= expectedId) {
      return fail(expectedId, 'gap', `rows ${expectedId} to ${sequence} are missing from the end`)
    }
    const beyond = [...anchored.keys()].filter((id) => id >= expectedId).sort((a, b) => a - b)[0]
    if (beyond !== undefined) return fail(beyond, 'anchor', `row ${beyond}, anchored, is missing: the trail was cut or rolled back`)
    if (daemonKey !== undefined && head !== undefined) {
      if (!sameHex(headMac(headKey(daemonKey), head.audit_id, head.hash), head.mac)) {
        return fail(head.audit_id, 'head', 'the keyed head does not carry a valid MAC: it was written without the key')
      }
      if (!headSeen) return fail(head.audit_id, 'head', `row ${head.audit_id}, the keyed head, is missing: the trail was cut short`)
      if (report.lastId !== head.audit_id) {
        return fail(head.audit_id + 1, 'head', `rows ${head.audit_id + 1} to ${report.lastId ?? 0} come after the keyed head: written without the key`)
      }
      report.head = 'verified'
    }
    return report
  } finally {
    db.exec('COMMIT')
  }
}
