/**
 * The audit trail: what the daemon answers with when a decision is challenged. Everything outside
 * this folder uses it through this file.
 *
 * Records. An audit record (AuditRecord: a create, a lift, a sync, an explanation) is a named object
 * with ids, codes, counts and keyed hashes only. A check decision (CheckRecord) is a flat tuple,
 * because checks cross to the audit thread in batches and a structured clone of flat arrays costs a
 * third of one of objects; it is stored compact, inside a batch (store.ts).
 *
 * Writing. Admin writes append their record inside their own transaction (store.append), so that a
 * block and its audit row commit together. Check decisions are queued (writer.ts: later/check) and
 * written every 200 ms or 500 records by a worker thread with its own connection (thread-writer.ts,
 * thread.ts), so that a check never waits for a disk write; a :memory: store writes them inline.
 * Each write is one transaction: a crash loses the batch not yet committed, never part of one.
 *
 * Storing (store.ts). Records are rows of `audit`; a run of check decisions written together is one
 * row of `audit_checks`: their compact records under consecutive ids. GET /v1/audit merges both,
 * newest first, each check its own row.
 *
 * The chain (chain.ts). Every transaction that appends also appends one link to `audit_link`: an
 * HMAC-SHA-256, under a key derived (HKDF) from the daemon's HMAC key, over the previous link's MAC,
 * the link's number, its id range and the SHA-256 of its rows as stored. The key is never in the
 * store: whoever holds only the database cannot make a link that verifies, and a writer links only
 * the rows it writes, so it vouches for nothing it finds. Each append reads the last link and the
 * last id inside its own write transaction, so the thread, the event loop's connection, the import
 * CLI and a second daemon all extend one chain. verifyChain walks links and rows together and names
 * the first break. Links cut from the end (a rollback) and a rewrite by a key holder are caught only
 * against an anchor (a link noted off the host: `L<seq>:<mac>`), which the daemon logs after each
 * retention run and at its stop. The format, byte for byte, and the operator's workflow: docs/AUDIT.md.
 */
export { auditKey, formatAnchor, parseAnchor, registerChainFunctions, verifyChain } from './chain.js'
export type { ChainAnchor, ChainReport } from './chain.js'
export { anchorOf, createAuditStore } from './store.js'
export type { AuditFilter, AuditItem, AuditRecord, AuditRow, AuditStore, ChainHead } from './store.js'
export type { CheckLine, CheckRecord } from './check-record.js'
export { createAuditWriter } from './writer.js'
export type { AuditWriter } from './writer.js'
export { createThreadedAuditWriter } from './thread-writer.js'
export type { ThreadedAuditOptions } from './thread-writer.js'
