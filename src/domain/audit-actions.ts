/**
 * Every action the audit trail records: `subject.verb` codes, lower case. A new one goes here first
 * (AuditRecord.action only takes these), with its words in web/spoc/format.ts and a row in
 * docs/AUDIT.md.
 */
export const AUDIT_ACTIONS = [
  'entry.create',
  'entry.lift',
  'prisoner.transfer',
  'client.create',
  'check.decide',
  'check.explain',
  'sync.run',
  'sync.quarantine',
  'sync.apply',
  'sync.remove',
  'sync.hold',
  'sync.release',
  'sync.discard',
  'sync.supersede',
  'retention.erase',
  'store.seal',
  'store.rekey',
  'reason.seal',
  'key.rotate',
  'request.create',
  'request.decide',
  'request.notice',
  'request.move',
  'request.report',
  'alert.raise',
  'alert.acknowledge',
  'alert.close'
] as const

export type AuditAction = typeof AUDIT_ACTIONS[number]

/**
 * Actions older daemons wrote under another name. Their rows stay as written (the chain hashes
 * every row, and the table is append-only); they are read, and found by a filter, as today's code.
 */
const FORMER = new Map<string, AuditAction>([
  ['check', 'check.decide'],
  ['sync', 'sync.run']
])

/** A stored action as it is shown: today's code for a former name, any other text as it is. */
export const currentAction = (stored: string): string => FORMER.get(stored) ?? stored

/** The stored texts a filter on `action` (today's code or a former name) finds. */
export function storedActions (action: string): string[] {
  const current = currentAction(action)
  return [current, ...[...FORMER].filter(([, code]) => code === current).map(([former]) => former)]
}
