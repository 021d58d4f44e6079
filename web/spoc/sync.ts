/**
 * Sync with the national hub, above the list of blocks: shown only when this daemon pulls from a
 * hub (GET /v1/sync says `configured: true`), in plain words rather than the API's field names.
 */
import { byId, formatTime, h } from '../lib/dom.js'
import type { Child } from '../lib/dom.js'
import { api } from './context.js'
import { summaryRow, table } from './format.js'

export interface SyncStatus {
  configured: boolean
  running: boolean
  cursor: number
  lastSuccessAt: string | null
  lastAttemptAt: string | null
  lastError: string | null
  appliedTotal: number
  quarantinedTotal: number
  staleness: 'fresh' | 'warn' | 'fail'
  warnAfterSeconds: number
  failAfterSeconds: number
  quarantine: Array<{ id: number, at: string, seq: number | null, entryId: string | null, reason: string }>
}

/** "5 minutes", "1 hour", "1 hour 30 minutes", "45 seconds": a limit from the configuration. */
export function duration (seconds: number): string {
  const unit = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`
  if (seconds < 60) return unit(seconds, 'second')
  const hours = Math.floor(seconds / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  return [hours > 0 ? unit(hours, 'hour') : '', minutes > 0 ? unit(minutes, 'minute') : ''].filter((part) => part !== '').join(' ')
}

/** The state of the copy of the hub's blocks held here: a tag, then what it means for checks. */
export function stalenessWords (status: SyncStatus): Child[] {
  if (status.staleness === 'fresh') {
    return [h('strong', { class: 'tag tag--fresh' }, 'Up to date'), ` Synced with the hub in the last ${duration(status.warnAfterSeconds)}.`]
  }
  if (status.staleness === 'warn') {
    return [h('strong', { class: 'tag tag--warn' }, 'Behind'),
      ` No successful sync for more than ${duration(status.warnAfterSeconds)}. Checks are still answered, from the blocks held here; ` +
      'a block added or lifted at the hub since then is not yet known here.']
  }
  return [h('strong', { class: 'tag tag--fail' }, 'Too old'),
    ` ${status.lastSuccessAt === null ? 'No sync with the hub has succeeded yet.' : `No successful sync for more than ${duration(status.failAfterSeconds)}.`} ` +
    'Checks are answered “cannot check” until a sync succeeds (a client set up to carry on is still answered from the blocks held here).']
}

function isStatus (body: unknown): body is SyncStatus {
  return typeof body === 'object' && body !== null && !Array.isArray(body) &&
    typeof (body as Record<string, unknown>).configured === 'boolean' &&
    Array.isArray((body as Record<string, unknown>).quarantine)
}

function render (status: SyncStatus): void {
  const rows = [
    summaryRow('Last successful sync', status.lastSuccessAt === null ? 'Never' : formatTime(status.lastSuccessAt)),
    summaryRow('State', ...stalenessWords(status)),
    status.running ? summaryRow('Now', 'A sync is running.') : null,
    status.lastError === null
      ? null
      : summaryRow('Last error', `${status.lastAttemptAt === null ? '' : `${formatTime(status.lastAttemptAt)}: `}${status.lastError}`),
    summaryRow('Changes applied', String(status.appliedTotal)),
    summaryRow('Held back', status.quarantinedTotal === 0
      ? 'None'
      : `${status.quarantinedTotal} ${status.quarantinedTotal === 1 ? 'item' : 'items'} from the hub failed its checks and ${status.quarantinedTotal === 1 ? 'was' : 'were'} not applied`)
  ]
  byId('sync-details').replaceChildren(...rows.filter((row) => row !== null))

  const held = byId('sync-quarantine')
  held.hidden = status.quarantine.length === 0
  byId('sync-quarantine-table').replaceChildren(status.quarantine.length === 0
    ? ''
    : table('Items held back from the hub, newest first', ['When', 'Block (entry id)', 'Why it was held back'], status.quarantine.map((item) => [
      formatTime(item.at, true),
      item.entryId === null ? 'Not known' : h('span', { class: 'mono' }, item.entryId),
      item.reason
    ])))
}

/** Hidden unless sync is configured; an error reading the status hides it too (the list still works). */
export async function showSync (): Promise<void> {
  const section = byId('sync-status')
  let status: SyncStatus | null = null
  try {
    const answer = await api('GET', '/v1/sync')
    if (answer.status === 200 && isStatus(answer.body)) status = answer.body
  } catch {
    status = null
  }
  if (status === null || !status.configured) {
    section.hidden = true
    return
  }
  render(status)
  section.hidden = false
}
