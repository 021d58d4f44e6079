import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { auth, buildTestApp, entryBody, tempDir } from '../helper.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

async function createEntry (app: App, phone: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [phone], emails: [], addresses: [], protectedPerson: undefined }) })
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode}`)
  return (res.json() as { id: string }).id
}

const decision = async (app: App, phone: string): Promise<string> =>
  (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone } })).json().decision

/**
 * A time column holding what the daemon never writes (text, a blob, infinity), written straight
 * into SQLite while the daemon is stopped: after the restart's index load the entry blocks, because
 * a time that cannot be read is taken as "in force" (SQL literals, so SQLite keeps each as it is).
 */
const UNREADABLE: Array<{ phone: string, column: 'effective_from' | 'expires_at', sql: string, what: string }> = [
  { phone: '07700 900401', column: 'expires_at', sql: "'2099-01-01T00:00:00+01'", what: 'an end as text with an hours-only offset' },
  { phone: '07700 900402', column: 'expires_at', sql: "'2099-12-31T23:59:60Z'", what: 'an end as text with a leap second' },
  { phone: '07700 900403', column: 'expires_at', sql: "'not a time'", what: 'an end as text that is no time at all' },
  { phone: '07700 900404', column: 'expires_at', sql: '-9e999', what: 'an end at minus infinity' },
  { phone: '07700 900405', column: 'expires_at', sql: "X'00'", what: 'an end as a blob' },
  { phone: '07700 900406', column: 'effective_from', sql: "'2020-01-01T00:00:00+01'", what: 'a start as text with an hours-only offset' },
  { phone: '07700 900407', column: 'effective_from', sql: '9e999', what: 'a start at infinity' },
  { phone: '07700 900408', column: 'effective_from', sql: "'garbage'", what: 'a start as text that is no time at all' }
]

t.test('a stored time that cannot be read blocks after the index reload (fail closed)', async (t) => {
  const first = await buildTestApp(t)
  const ids = new Map<string, string>()
  for (const { phone } of UNREADABLE) ids.set(phone, await createEntry(first.app, phone))
  // Controls: a readable end in the past (1970) stops blocking; a readable end in 2099 blocks.
  const expired = await createEntry(first.app, '07700 900409')
  const running = await createEntry(first.app, '07700 900410')
  await first.app.close()

  const db = new Database(first.config.db)
  for (const { phone, column, sql } of UNREADABLE) {
    // The values are fixed literals of this test, never input.
    db.prepare(`UPDATE entries SET ${column} = ${sql} WHERE id = ?`).run(ids.get(phone))
  }
  db.prepare('UPDATE entries SET expires_at = 1000 WHERE id = ?').run(expired)
  db.prepare('UPDATE entries SET expires_at = 4070908800000 WHERE id = ?').run(running)
  const kinds = db.prepare('SELECT typeof(expires_at), typeof(effective_from) FROM entries WHERE id = ?').raw(true)
  t.same(kinds.get(ids.get('07700 900401')), ['text', 'null'], 'SQLite kept the text as text')
  t.same(kinds.get(ids.get('07700 900404')), ['real', 'null'], 'and minus infinity as a real')
  db.close()

  const logFile = join(tempDir(t), 'log.ndjson')
  const { app } = await buildTestApp(t, { dir: first.dir, logFile })
  for (const { phone, what } of UNREADABLE) t.equal(await decision(app, phone), 'block', what)
  const log = readFileSync(logFile, 'utf8')
  const said = log.split('\n').filter((line) => line.includes('"stored_time_unreadable"')).map((line) => (JSON.parse(line) as { entryId: string }).entryId)
  t.same(said.sort(), [...ids.values()].sort(), 'the load names each entry whose time it could not read, once')
  t.notMatch(log, /7700/, 'and no number')
  t.equal(await decision(app, '07700 900409'), 'allow', 'a readable end in 1970 has passed')
  t.equal(await decision(app, '07700 900410'), 'block', 'a readable end in 2099 has not')

  // The entry reads back with no end: what the index blocks by, not a time it made up.
  const shown = await app.inject({ method: 'GET', url: `/v1/entries/${ids.get('07700 900403') as string}`, headers: auth('admin') })
  t.equal(shown.statusCode, 200)
  t.equal(shown.json().expiresAt, null)
})
