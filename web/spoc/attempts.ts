/**
 * The blocked attempts on one block, in its view: counts by prisoner and channel, and the latest
 * attempts with their audit row (docs/ALERTS.md). Ids and prisoner numbers only.
 */
import { byId, h } from '../lib/dom.js'
import { api } from './context.js'
import { table, when } from './format.js'

interface Attempts {
  items: Array<{ auditId: number, at: string, prisoner: string, channel: string, establishment: string }>
  counts: { total: number, byPrisoner: Array<{ prisoner: string, attempts: number }>, byChannel: Array<{ channel: string, attempts: number }> }
}

const SHOWN = 20

export async function showAttempts (entryId: string): Promise<void> {
  const panel = byId('entry-attempts')
  panel.replaceChildren()
  const answer = await api('GET', `/v1/entries/${entryId}/attempts?limit=${SHOWN}`)
  if (answer.status !== 200) {
    panel.replaceChildren(h('p', {}, 'The attempts on this block could not be read.'))
    return
  }
  const { items, counts } = answer.body as Attempts
  if (counts.total === 0) {
    panel.replaceChildren(h('p', {}, 'No blocked attempts on this block.'))
    return
  }
  const tally = (rows: Array<{ name: string, attempts: number }>) => rows.map((row) => `${row.name} (${row.attempts})`).join(', ')
  panel.replaceChildren(
    h('p', { id: 'entry-attempts-summary' }, `${counts.total} blocked ${counts.total === 1 ? 'attempt' : 'attempts'}. ` +
      `By prisoner: ${tally(counts.byPrisoner.map((row) => ({ name: row.prisoner, attempts: row.attempts })))}. ` +
      `By channel: ${tally(counts.byChannel.map((row) => ({ name: row.channel, attempts: row.attempts })))}.`),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Attempts table, scrolls sideways on a narrow screen' },
      table(`The latest ${Math.min(SHOWN, items.length)} attempts, newest first`, ['When', 'Prisoner', 'Channel', 'Establishment', 'Audit row'],
        items.map((item) => [when(item.at, true), item.prisoner, item.channel, item.establishment, String(item.auditId)]))),
    ...(counts.total > items.length ? [h('p', { class: 'hint' }, `The latest ${items.length} are listed.`)] : []))
}
