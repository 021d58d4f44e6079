import { InvalidError } from '../domain/errors.js'
import { formatAnchor } from '../audit/index.js'
import type { AuditStore } from '../audit/index.js'
import type { AttemptsService, BlockAttempt } from './attempts.js'

/** Attempts one report holds at most; a longer period is split by the SPOC (docs/EVIDENCE.md). */
export const EVIDENCE_MAX_ROWS = 50_000
const PAGE = 1000

/**
 * What a report for the police holds (docs/EVIDENCE.md): the establishment, the block's reference
 * and id, the period, and each blocked attempt with its audit row id and the anchor of the chain's
 * link that covers it; the chain's head when it was made, so that `npm run audit:verify` with those
 * anchors can show the rows unchanged. Never a
 * contact detail, the protected person, the reason or the request reference.
 */
export interface EvidenceReport {
  establishment: string
  reference: string
  entryId: string
  from: number | null
  to: number | null
  generatedAt: number
  generatedBy: string
  /** the anchor (L<seq>:<mac>) of the chain's last link when the report was made; null for an empty trail */
  head: string | null
  attempts: BlockAttempt[]
}

export function createEvidenceService (deps: { attempts: AttemptsService, audit: AuditStore, clock: () => number }) {
  return {
    /** Every attempt on the block in the period, newest first. A read: nothing is written. */
    report (idOrReference: string, period: { from?: number, to?: number }, actor: string): EvidenceReport {
      const first = deps.attempts.list(idOrReference, { ...period, limit: PAGE })
      if (first.counts.total > EVIDENCE_MAX_ROWS) {
        throw new InvalidError(`the period holds more than ${EVIDENCE_MAX_ROWS} attempts; choose a shorter one (from, to)`)
      }
      const attempts = [...first.items]
      for (let next = first.next; next !== null;) {
        const page = deps.attempts.list(first.entryId, { ...period, before: next, limit: PAGE })
        attempts.push(...page.items)
        next = page.next
      }
      const generatedAt = deps.clock()
      // The head after the rows read: every attempt listed is at or before it in the chain.
      const last = deps.audit.head()
      const head = last === null ? null : formatAnchor(last)
      return { establishment: first.establishment, reference: first.reference, entryId: first.entryId, from: period.from ?? null, to: period.to ?? null, generatedAt, generatedBy: actor, head, attempts }
    }
  }
}

export type EvidenceService = ReturnType<typeof createEvidenceService>

const iso = (at: number | null): string => (at === null ? '' : new Date(at).toISOString())

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
const csvField = (value: string | number | null): string => {
  const text = value === null ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const CSV_COLUMNS = ['establishment', 'block_reference', 'entry_id', 'audit_id', 'audit_link', 'at', 'prisoner', 'channel', 'client'] as const

/** One line an attempt, each carrying the establishment and block reference, so a line stands alone. */
export function evidenceCsv (report: EvidenceReport): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const a of report.attempts) {
    lines.push([report.establishment, report.reference, report.entryId, a.auditId, a.link, iso(a.at), a.prisoner, a.channel, a.client].map(csvField).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const html = (value: string | number | null): string => (value === null ? '' : String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] as string))

/** A page to print: no script, one style block (the answer's own CSP allows it and nothing else). */
export function evidenceHtml (report: EvidenceReport): string {
  const period = `${report.from === null ? 'the first attempt' : iso(report.from)} to ${report.to === null ? 'the report' : iso(report.to)}`
  const rows = report.attempts.map((a) =>
    `<tr><td>${html(a.auditId)}</td><td>${html(iso(a.at))}</td><td>${html(a.prisoner)}</td><td>${html(a.channel)}</td><td>${html(a.client)}</td><td class="hash">${html(a.link)}</td></tr>`)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Contact attempts on block ${html(report.reference)} (${html(report.establishment)})</title>
<style>
body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #444; padding: 0.2em 0.4em; text-align: left; vertical-align: top; }
.hash { font-family: monospace; font-size: 8pt; word-break: break-all; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>Contact attempts on a blocked contact</h1>
<dl>
<dt>Establishment</dt><dd>${html(report.establishment)}</dd>
<dt>Block reference</dt><dd>${html(report.reference)} (entry ${html(report.entryId)})</dd>
<dt>Period</dt><dd>${html(period)}</dd>
<dt>Attempts</dt><dd>${report.attempts.length}</dd>
<dt>Made</dt><dd>${html(iso(report.generatedAt))} by ${html(report.generatedBy)}</dd>
<dt>Audit trail head when made</dt><dd><span class="hash">${html(report.head)}</span></dd>
</dl>
<p>Each attempt is a row of the daemon's audit trail, whose links are keyed with a key that is never
in its database. On the daemon's host,
<code>npm run audit:verify -- --anchor ${html(report.head)}</code>
shows that the trail, these rows among it, is unchanged since this report was made; the link that
covers each row, below, is an anchor too. The report holds no contact detail and does not name the protected person.</p>
<table>
<thead><tr><th>Audit row</th><th>When (UTC)</th><th>Prisoner</th><th>Channel</th><th>Client</th><th>Audit link</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</body>
</html>
`
}
