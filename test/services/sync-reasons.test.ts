import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { WITHHELD_REASON } from '../../src/services/sync.js'
import { TOKENS, auth, buildTestApp, hubEntry, signPage, tempDir } from '../helper.js'

const ID1 = '11111111-1111-4111-8111-111111111111'
const ID2 = '22222222-2222-4222-8222-222222222222'

/** An entry as a hub of an older version could send it, reasons and all. */
const HUB_ENTRY = (id: string, phone: string, reason: string, liftReason: string | null = null) => hubEntry(id, [phone], {
  status: liftReason === null ? 'active' : 'lifted',
  protectedPerson: 'Jane Doe',
  reason,
  liftedAt: liftReason === null ? null : '2026-11-21T10:00:00.000Z',
  liftedBy: liftReason === null ? null : 'hub-spoc',
  liftReason
})

t.test('a hub entry whose reason holds personal data is kept, and blocks, with its reason withheld', async (t) => {
  const pages = [
    { changes: [], next: 0, hasMore: false },
    {
      changes: [
        { seq: 1, op: 'upsert', entry: HUB_ENTRY(ID1, '07700 900801', 'Jane Doe asked for no contact; she lives at LS1 4AP') },
        { seq: 2, op: 'upsert', entry: HUB_ENTRY(ID2, '07700 900802', 'Victim asked for no contact', 'Lifted: write to jane.victim at example dot org') }
      ],
      next: 2,
      hasMore: false
    }
  ]
  const fetchImpl = (async () => new Response(JSON.stringify(signPage(pages.shift() ?? { changes: [], next: 2, hasMore: false })), { status: 200 })) as typeof fetch
  const logFile = join(tempDir(t), 'log.ndjson')
  const { app } = await buildTestApp(t, {
    fetch: fetchImpl,
    logFile,
    env: { UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: 'http://127.0.0.1:1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' }
  })
  await app.ready()
  // The run every daemon makes at start takes the empty page; this one takes the entries.
  for (let i = 0; i < 200 && (await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json().lastAttemptAt === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  const report = (await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })).json()
  t.match(report, { ok: true, applied: 2, quarantined: 0 }, 'neither block is quarantined for its reason')

  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900801' } })
  t.equal(check.json().decision, 'block', 'the block still blocks')
  const first = (await app.inject({ method: 'GET', url: `/v1/entries/${ID1}`, headers: auth('admin') })).json()
  t.equal(first.reason, WITHHELD_REASON)
  const second = (await app.inject({ method: 'GET', url: `/v1/entries/${ID2}`, headers: auth('admin') })).json()
  t.equal(second.reason, 'Victim asked for no contact', 'a plain reason is kept')
  t.equal(second.liftReason, WITHHELD_REASON, 'a lift reason is read too')

  const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: auth('metrics') })
  t.match(metrics.body, /^upc_sync_reasons_withheld_total 2$/m)
  const audit = (await app.inject({ method: 'GET', url: '/v1/audit?action=sync', headers: auth('admin') })).json().items
  t.equal(audit[0].detail.reasonsWithheld, 2)

  const log = readFileSync(logFile, 'utf8')
  const warnings = log.split('\n').filter((line) => line.includes('stored with its reason withheld')).map((line) => JSON.parse(line) as { entryId: string })
  t.same(warnings.map((line) => line.entryId).sort(), [ID1, ID2], 'one warning an entry, by id')
  t.notMatch(log, /Jane Doe|LS1 4AP|jane\.victim/, 'the log holds none of the reasons\' text')
})
