import type { Logger } from 'pino'
import { REQUEST_LINE, wholeLines } from '../logger.js'

/**
 * One check's decision on its way to the store and the log: its audit row, and the fields of the
 * request's log line when the check came over HTTP. Ids and hashes only, never a contact detail.
 *
 * A flat tuple, not an object: check records cross to the audit thread in batches of 500, and a
 * structured clone of flat arrays costs about a third of one of nested objects (0.23 against
 * 0.59 us a record on this machine). Its first seven fields are stored as they are, one array a
 * check inside its batch, and GET /v1/audit shows each as a `check.decide` row (store.ts checkRow).
 */
export type CheckRecord = [
  at: number,
  actor: string,
  channel: string,
  prisoner: string,
  decision: 'block' | 'allow',
  entryIds: string[],
  keyHashes: string[],
  /** false where the config audits blocks only, or no check (the log line alone) */
  audited: boolean,
  /** the request's log line, or null (a batch item, the Postfix policy service) */
  line: CheckLine | null
]

/** What the one log line of a check request adds to the decision. */
export type CheckLine = [reqId: string, method: string, route: string, ms: number]

/** The fields of the check's log line, in the order of every other request's line (plugins/request-log.ts). */
export function lineFieldsOf (record: CheckRecord): Record<string, unknown> | null {
  const [, actor, , prisoner, decision, entryIds, keyHashes, , line] = record
  if (line === null) return null
  const [reqId, method, route, ms] = line
  return { reqId, client: actor, method, route, status: 200, ms, prisoner, decision, entryIds, keyHashes }
}

/** Writes the check's log line on `log` now, when it has one (the writers' own, not the thread's). */
export function logLineOf (record: CheckRecord, log: Logger): void {
  const fields = lineFieldsOf(record)
  if (fields !== null) for (const line of wholeLines(fields)) log.info(line, REQUEST_LINE)
}
