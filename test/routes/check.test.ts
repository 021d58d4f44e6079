import t from 'tap'
import Database from 'better-sqlite3'
import { auth, buildTestApp, entryBody } from '../helper.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

async function createEntry (app: App, body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody(body) })
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string, reference: string }
}

async function check (app: App, body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', ...body } })
}

t.test('an establishment block refuses every way of writing the number, the email and the address', async (t) => {
  const { app } = await buildTestApp(t)
  const entry = await createEntry(app, {})
  for (const phone of ['07700 900123', '+44 7700 900123', '0044 7700 900123', '447700900123', '+44 (0)7700 900123']) {
    const res = await check(app, { phone })
    t.equal(res.statusCode, 200)
    t.same(res.json().decision, 'block', `phone written as its ${phone.length}-character form`)
    t.same(res.json().matches, [{ entryId: entry.id, reference: entry.reference, scope: 'establishment', kind: 'phone', strength: 'exact' }])
  }
  const email = await check(app, { channel: 'email', email: 'Jane.Victim+news@Example.org' })
  t.same(email.json().matches, [{ entryId: entry.id, reference: entry.reference, scope: 'establishment', kind: 'email', strength: 'exact' }])
  const letter = await check(app, { channel: 'mail', address: 'flat 2\n14 acacia ave\nleeds\nls14ap' })
  t.same(letter.json().decision, 'block')
  t.same(letter.json().matches[0].kind, 'address')
  // every prisoner of the establishment, not only one
  t.same((await check(app, { prisoner: 'Z9999ZZ', phone: '07700900123' })).json().decision, 'block')
})

t.test('what is not blocked is allowed, and the answer carries no contact detail', async (t) => {
  const { app } = await buildTestApp(t)
  await createEntry(app, {})
  const cases = [
    { phone: '07700 900124' },
    { email: 'jane.victim@example.com' },
    { channel: 'mail', address: 'Flat 3, 14 Acacia Avenue, Leeds LS1 4AP' }
  ]
  for (const attempt of cases) {
    const res = await check(app, attempt)
    t.equal(res.statusCode, 200)
    t.same(res.json(), { decision: 'allow', matches: [], indexVersion: res.json().indexVersion })
    t.notMatch(res.body, /7700|victim|acacia|LS1/i)
  }
})

t.test('scope: a prisoner block stops that prisoner only; national stops everyone everywhere', async (t) => {
  const { app } = await buildTestApp(t)
  await createEntry(app, { scope: 'prisoner', prisoner: 'a1234bc', phones: ['07700 900200'], emails: [], addresses: [] })
  t.equal((await check(app, { prisoner: 'A1234BC', phone: '07700900200' })).json().decision, 'block')
  t.equal((await check(app, { prisoner: 'a1234bc', phone: '07700900200' })).json().decision, 'block', 'prisoner number in any case')
  t.equal((await check(app, { prisoner: 'B2345CD', phone: '07700900200' })).json().decision, 'allow')

  await createEntry(app, { scope: 'establishment', phones: ['07700 900300'], emails: [], addresses: [] })
  const override = await check(app, { phone: '07700900300', establishment: 'LEI' })
  t.equal(override.statusCode, 400, 'a check cannot claim another establishment to dodge its blocks')

  await createEntry(app, { scope: 'national', phones: ['020 7946 0001'], emails: [], addresses: [] })
  t.equal((await check(app, { prisoner: 'C3456DE', phone: '02079460001' })).json().decision, 'block')
})

t.test('time is judged at the moment of the check, not at the last index build', async (t) => {
  let now = Date.parse('2026-11-23T12:00:00Z')
  const { app } = await buildTestApp(t, { clock: () => now })
  await createEntry(app, {
    phones: ['07700 900400'],
    emails: [],
    addresses: [],
    effectiveFrom: '2026-11-24T00:00:00Z',
    expiresAt: '2026-11-30T00:00:00Z'
  })
  t.equal((await check(app, { phone: '07700900400' })).json().decision, 'allow', 'before effectiveFrom')
  now = Date.parse('2026-11-24T00:00:00Z')
  t.equal((await check(app, { phone: '07700900400' })).json().decision, 'block', 'from effectiveFrom')
  now = Date.parse('2026-11-29T23:59:59.999Z')
  t.equal((await check(app, { phone: '07700900400' })).json().decision, 'block', 'until just before expiresAt')
  now = Date.parse('2026-11-30T00:00:00Z')
  t.equal((await check(app, { phone: '07700900400' })).json().decision, 'allow', 'from expiresAt')
})

t.test('a lifted block no longer refuses, at once', async (t) => {
  const { app } = await buildTestApp(t)
  const entry = await createEntry(app, {})
  t.equal((await check(app, { phone: '07700 900123' })).json().decision, 'block')
  const lift = await app.inject({ method: 'POST', url: `/v1/entries/${entry.id}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })
  t.equal(lift.statusCode, 200)
  t.equal((await check(app, { phone: '07700 900123' })).json().decision, 'allow')
})

t.test('GET /v1/check/phone answers like POST /v1/check', async (t) => {
  const { app } = await buildTestApp(t)
  const entry = await createEntry(app, {})
  const blocked = await app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=%2B44%207700%20900123', headers: auth('check') })
  t.equal(blocked.statusCode, 200)
  t.same(blocked.json().matches, [{ entryId: entry.id, reference: entry.reference, scope: 'establishment', kind: 'phone', strength: 'exact' }])
  const allowed = await app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900999', headers: auth('check') })
  t.equal(allowed.json().decision, 'allow')
  const missing = await app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC', headers: auth('check') })
  t.equal(missing.statusCode, 400)
  t.match(missing.json().message, /number/)
  const extra = await app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900999&x=1', headers: auth('check') })
  t.equal(extra.statusCode, 400)
})

t.test('GET /v1/check/phone: a malformed percent-escape, which fastify leaves raw, still blocks the number', async (t) => {
  const { app } = await buildTestApp(t)
  await createEntry(app, {})
  const get = async (number: string) =>
    (await app.inject({ method: 'GET', url: `/v1/check/phone?prisoner=A1234BC&number=${number}`, headers: auth('check') })).json().decision
  for (const number of ['07700%E0900123', '%E007700900123', '07700900123%E0', '%2B44%207700%20900123%E0', '0044+7700+900123%FF', '+447700900123%C3']) {
    t.equal(await get(number), 'block', number)
  }
  // the hex digits of a malformed escape never become digits of the number
  t.equal(await get('07700%E0900124'), 'allow')
  t.equal(await get('0770%E09001'), 'allow')
})

t.test('batch: results in order, up to 1000, one bad item refuses the batch', async (t) => {
  const { app } = await buildTestApp(t)
  await createEntry(app, {})
  const items = [
    { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900999' },
    { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' },
    { channel: 'email', prisoner: 'A1234BC', email: 'someone@example.org' },
    { channel: 'mail', prisoner: 'A1234BC', address: { lines: ['Flat 2', '14 Acacia Avenue', 'Leeds'], postcode: 'LS1 4AP' } }
  ]
  const res = await app.inject({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items } })
  t.equal(res.statusCode, 200)
  t.same(res.json().results.map((r: { decision: string }) => r.decision), ['allow', 'block', 'allow', 'block'])

  const full = Array.from({ length: 1000 }, (_, i) => ({ channel: 'phone', prisoner: 'A1234BC', phone: i === 999 ? '07700900123' : `07700 900${String(i % 100).padStart(3, '0')}` }))
  const big = await app.inject({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items: full } })
  t.equal(big.statusCode, 200)
  t.equal(big.json().results.length, 1000)
  t.equal(big.json().results[999].decision, 'block')

  const tooMany = await app.inject({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items: [...full, full[0]] } })
  t.equal(tooMany.statusCode, 400)
  const noDetail = await app.inject({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items: [items[0], { channel: 'phone', prisoner: 'A1234BC' }] } })
  t.equal(noDetail.statusCode, 400)
  t.match(noDetail.json().message, /items\[1\]/)
})

t.test('bad checks get a 400 that names the field and never echoes the value', async (t) => {
  const { app } = await buildTestApp(t)
  const bad = [
    { body: { channel: 'phone', prisoner: 'A1234BC' }, field: /at least one of phone, email, address/ },
    { body: { channel: 'fax', prisoner: 'A1234BC', phone: '07700900123' }, field: /channel/ },
    { body: { channel: 'phone', prisoner: '07700900123', phone: '07700900123' }, field: /prisoner/ },
    { body: { channel: 'phone', prisoner: 'A1234BC', phone: 7700900123 }, field: /phone/ },
    { body: { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123', extra: '07700900123' }, field: /not allowed/ },
    { body: { channel: 'phone', prisoner: 'A1234BC', phone: 'x'.repeat(65) }, field: /phone/ }
  ]
  for (const { body, field } of bad) {
    const res = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: body })
    t.equal(res.statusCode, 400)
    t.equal(res.json().error, 'invalid_request')
    t.match(res.json().message, field)
    t.notMatch(res.body, /7700/, 'no value echoed')
  }
  const notJson = await app.inject({ method: 'POST', url: '/v1/check', headers: { ...auth('check'), 'content-type': 'application/json' }, payload: '{"phone": "07700 900123"' })
  t.equal(notJson.statusCode, 400)
  t.same(notJson.json(), { error: 'invalid_json', message: 'the body is not valid JSON' })
  const wrongType = await app.inject({ method: 'POST', url: '/v1/check', headers: { ...auth('check'), 'content-type': 'text/plain' }, payload: '07700 900123' })
  t.equal(wrongType.statusCode, 415)
  t.notMatch(wrongType.body, /7700/)
})

t.test('an index that fails to load answers unavailable, never allow', async (t) => {
  const first = await buildTestApp(t)
  await createEntry(first.app, {})
  await first.app.close()
  // Corrupt the stored keys behind the daemon's back so that the next load fails.
  const db = new Database(first.config.db)
  db.prepare("UPDATE entry_details SET match_keys = 'not json'").run()
  db.close()
  const { app } = await buildTestApp(t, { dir: first.dir })
  const res = await check(app, { phone: '07700 900999' })
  t.equal(res.statusCode, 503)
  t.same(res.json(), { decision: 'unavailable', error: 'unavailable', message: 'the block index is not available; treat as block' })
  const get = await app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900999', headers: auth('check') })
  t.equal(get.statusCode, 503)
  const batch = await app.inject({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items: [{ channel: 'phone', prisoner: 'A1234BC', phone: '07700900999' }] } })
  t.equal(batch.statusCode, 503)
  t.equal(batch.json().decision, 'unavailable')
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 503)
})

t.test('a full batch of 1000 structured addresses fits the batch body limit', async (t) => {
  const { app } = await buildTestApp(t)
  const line = 'x'.repeat(150)
  const items = Array.from({ length: 1000 }, (_, i) => ({
    channel: 'mail',
    prisoner: 'A1234BC',
    recipient: 'Occupier',
    address: { lines: [`Flat ${i}`, `${i} Acacia Avenue`, line, line, line, line, line, line, line, line, line, line], postcode: 'LS1 4AP' }
  }))
  const payload = JSON.stringify({ items })
  t.ok(payload.length > 1024 * 1024, 'larger than the single-request body limit')
  const res = await app.inject({ method: 'POST', url: '/v1/check/batch', headers: { ...auth('check'), 'content-type': 'application/json' }, payload })
  t.equal(res.statusCode, 200)
  t.equal(res.json().results.length, 1000)
})

t.test('a named-person block holds mail to the protected person, and to nobody by name, only', async (t) => {
  const { app } = await buildTestApp(t)
  const entry = await createEntry(app, { addressMode: 'named', protectedPerson: 'Jane Anne Doe', phones: ['07700 900500'], emails: [], addresses: ['14 Acacia Avenue, Leeds LS1 4AP'] })
  const letter = (recipient?: string) => check(app, { channel: 'mail', address: '14 acacia ave, leeds, ls1 4ap', ...(recipient === undefined ? {} : { recipient }) })
  for (const recipient of ['Jane Doe', 'MRS J DOE', 'Doe, Jane', 'Dr J. A. Doe', 'Ms Doe', 'The Occupier', '', undefined]) {
    const res = await letter(recipient)
    t.same(res.json().matches, [{ entryId: entry.id, reference: entry.reference, scope: 'establishment', kind: 'address', strength: 'exact' }], `held for ${JSON.stringify(recipient)}`)
  }
  for (const recipient of ['Master Sam Doe', 'John Doe', 'Mrs A Smith']) {
    t.equal((await letter(recipient)).json().decision, 'allow', `not held for ${recipient}`)
  }
  t.equal((await check(app, { phone: '07700 900500', recipient: 'Master Sam Doe' })).json().decision, 'block', 'the entry\'s phones block whoever is named')
})

t.test('explain (admin) shows the attempt\'s keys, which met which entry, and what was set aside', async (t) => {
  let now = Date.parse('2026-11-23T12:00:00Z')
  const { app } = await buildTestApp(t, { clock: () => now })
  const whole = await createEntry(app, { phones: ['07700 900600'], emails: [], addresses: ['Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'] })
  const named = await createEntry(app, { addressMode: 'named', protectedPerson: 'Jane Doe', phones: [], emails: [], addresses: ['14 Acacia Avenue, LS1 4AP'] })
  await createEntry(app, { phones: [], emails: ['sam.fixture@example.org'], addresses: [], effectiveFrom: '2026-12-01T00:00:00Z' })
  await createEntry(app, { scope: 'prisoner', prisoner: 'Z9999ZZ', phones: ['07700 900600'], emails: [], addresses: [] })
  const explain = (body: Record<string, unknown>, role: 'admin' | 'check' = 'admin') =>
    app.inject({ method: 'POST', url: '/v1/check/explain', headers: auth(role), payload: { channel: 'mail', prisoner: 'A1234BC', ...body } })

  const res = await explain({ address: 'Flat 2\n14 Acacia Ave\nLeeds\nLS1 4AP', recipient: 'Master Sam Doe', phone: '+44 7700 900600', email: 'Sam.Fixture+x@example.org' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.decision, 'block')
  t.same(body.keys.phone, ['p:+447700900600', 'pd:447700900600'])
  t.same(body.keys.email, ['e:sam.fixture@example.org', 'e?:sam.fixture+x@example.org'])
  // the flat's keys first: the street as read, then its one-slip forms
  t.same(body.keys.address.slice(0, 3), ['a:LS14AP|14|F2|S=:ACACIA.AVENUE', '~a:LS14AP|14|F2|S=:ACACIA.AVENUE', '~a:LS14AP|14|F2|S=:CACIA.AVENUE'])
  t.same(body.matches[0], { entryId: whole.id, scope: 'establishment', kind: 'phone', strength: 'exact', key: 'p:+447700900600', addressMode: 'whole' })
  t.equal(body.matches.filter((m: { kind: string }) => m.kind === 'phone').length, 1, 'the other prisoner\'s block on the same number is not shown')
  const addressHits = body.matches.filter((m: { kind: string }) => m.kind === 'address')
  t.same(addressHits[0], { entryId: whole.id, scope: 'establishment', kind: 'address', strength: 'exact', key: 'a:LS14AP|14|F2|S=:ACACIA.AVENUE', addressMode: 'whole' })
  // ACACIA and its six one-letter deletions, each stored by the block and looked up by the letter
  t.same(addressHits.map((m: { entryId: string, strength: string }) => [m.entryId, m.strength]), [[whole.id, 'exact'], ...Array.from({ length: 7 }, () => [whole.id, 'probable'])])
  // one pair an entry and reason (the named block is met through several keys of the street)
  t.same([...new Set(body.setAside.map((s: { entryId: string, why: string }) => `${s.entryId}|${s.why}`))].map((pair) => (pair as string).split('|')).sort(), [
    [named.id, 'recipient_differs']
  ].concat(body.setAside.filter((s: { why: string }) => s.why === 'not_in_force').map((s: { entryId: string }) => [s.entryId, 'not_in_force'])).sort())
  t.equal(body.setAside.filter((s: { why: string }) => s.why === 'not_in_force').length, 1, 'the email block not yet in force')
  t.same(body.warnings, [])

  now = Date.parse('2026-12-02T00:00:00Z')
  const later = (await explain({ email: 'sam.fixture@example.org' })).json()
  t.equal(later.decision, 'block')
  t.equal(later.matches.length, 1)

  const unread = (await explain({ phone: '12 34' })).json()
  t.same(unread.warnings, [{ field: 'phone', code: 'phone_unparsed', message: 'phone could not be read as a phone number; blocked by its digits only' }])
  t.equal(unread.decision, 'allow')

  t.equal((await explain({ phone: '07700 900600' }, 'check')).statusCode, 403, 'a check client cannot see keys')
  const audit = await app.inject({ method: 'GET', url: '/v1/audit?action=check.explain', headers: auth('admin') })
  t.ok(audit.json().items.length >= 1, 'explanations are audited')
  t.notMatch(JSON.stringify(audit.json()), /7700|acacia|fixture/i, 'with hashes only')
})

t.test('a street spelled one letter differently is held as a probable match; the street itself as exact', async (t) => {
  const { app } = await buildTestApp(t)
  const entry = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [], emails: [], addresses: ['14 Acacia Avenue, Leeds LS1 4AP'] }) })).json()
  const letter = async (address: string) => (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'mail', prisoner: 'A1234BC', address } })).json()
  const slip = await letter('14 Acacai Avenue, Leeds LS1 4AP')
  t.same([slip.decision, slip.matches], ['block', [{ entryId: entry.id, reference: entry.reference, scope: 'establishment', kind: 'address', strength: 'probable' }]])
  const same = await letter('14 ACACIA AVE LEEDS LS1 4AP')
  t.same([same.decision, same.matches], ['block', [{ entryId: entry.id, reference: entry.reference, scope: 'establishment', kind: 'address', strength: 'exact' }]])
  t.same((await letter('14 Acacia Road, Leeds LS1 4AP')).decision, 'allow', 'another street at the same postcode and number is another door')
})

t.test('a named-person block reads the names written on the envelope, not only the recipient field', async (t) => {
  const { app } = await buildTestApp(t)
  const created = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [], emails: [], addresses: ['9 Elm Grove, York YO10 4DD'], addressMode: 'named', protectedPerson: 'Jane Anne Doe' }) })
  t.equal(created.statusCode, 201)
  const letter = async (address: string, recipient?: string) => (await app.inject({
    method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'mail', prisoner: 'A1234BC', address, ...(recipient === undefined ? {} : { recipient }) }
  })).json().decision
  t.equal(await letter('Mrs Jane Doe\n9 Elm Grove\nYork YO10 4DD', 'John Brown'), 'block', 'her name in the address, another in the recipient field')
  t.equal(await letter('c/o Mrs Jane Doe, 9 Elm Grove, York YO10 4DD', 'John Brown'), 'block', 'care of her')
  t.equal(await letter('Mr John Brown\n9 Elm Grove\nYork YO10 4DD'), 'allow', 'someone else named in the address')
  t.equal(await letter('9 Elm Grove, York YO10 4DD'), 'block', 'nobody named: held')
})
