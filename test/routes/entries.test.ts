import t from 'tap'
import { auth, buildTestApp, entryBody } from '../helper.js'

t.test('create returns 201 with the entry, its normalised keys and who made it', async (t) => {
  const now = Date.parse('2026-11-23T09:30:00Z')
  const { app } = await buildTestApp(t, { clock: () => now })
  const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ expiresAt: '2027-11-23T00:00:00Z' }) })
  t.equal(res.statusCode, 201)
  const entry = res.json()
  t.match(entry.id, /^[0-9a-f-]{36}$/)
  t.equal(entry.status, 'active')
  t.equal(entry.scope, 'establishment')
  t.equal(entry.establishment, 'HLI', 'defaults to this daemon\'s establishment')
  t.equal(entry.createdBy, 'spoc')
  t.equal(entry.createdAt, '2026-11-23T09:30:00.000Z')
  t.equal(entry.expiresAt, '2027-11-23T00:00:00.000Z')
  t.equal(entry.effectiveFrom, null)
  t.same(entry.phones, ['07700 900123'], 'the admin sees the detail as entered')
  t.same(entry.keys.phones, [['p:+447700900123']])
  t.same(entry.keys.emails, [['e:jane.victim@example.org']])
  t.equal(entry.keys.addresses.length, 1)
  t.same(entry.warnings, [])
  t.equal(entry.consent, true)
  t.equal(entry.requestRef, 'UPC-2026-000123')

  const read = await app.inject({ method: 'GET', url: `/v1/entries/${entry.id}`, headers: auth('admin') })
  t.equal(read.statusCode, 200)
  t.same({ ...read.json(), warnings: [] }, entry)
})

t.test('a detail that cannot be parsed is still blocked and comes back as a warning', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900123', '12 34'], emails: ['not-an-email'], addresses: [] }) })
  t.equal(res.statusCode, 201)
  const entry = res.json()
  t.same(entry.warnings.map((w: { field: string, code: string }) => [w.field, w.code]), [['phones[1]', 'phone_unparsed'], ['emails[0]', 'email_unparsed']])
  for (const warning of entry.warnings) t.notMatch(warning.message, /12 34|not-an-email/)
  t.same(entry.keys.phones[1], ['pd:1234'])
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '1234' } })
  t.equal(check.json().decision, 'block', 'blocked by its fallback key')
  const email = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'email', prisoner: 'A1234BC', email: ' NOT-AN-EMAIL ' } })
  t.equal(email.json().decision, 'block')
})

t.test('bad entries get a 400 naming the field, and nothing is stored', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ scope: 'prisoner' }, /prisoner is required for scope prisoner/],
    [{ scope: 'prisoner', prisoner: 'A12345B' }, /prisoner/],
    [{ scope: 'wing' }, /scope/],
    [{ reason: '' }, /reason/],
    [{ reason: undefined }, /reason/],
    [{ phones: [], emails: [], addresses: [] }, /at least one of phones, emails, addresses/],
    [{ phones: ['no digits here'] }, /phones\[0\] contains no digits/],
    [{ reason: 'Victim phone is 07700 900123' }, /^reason: must not hold/],
    [{ reason: 'Write to jane.victim@example.org' }, /^reason: must not hold/],
    [{ expiresAt: '2020-01-01T00:00:00Z' }, /expiresAt/],
    [{ effectiveFrom: 'tomorrow' }, /effectiveFrom/],
    [{ establishment: 'hli' }, /establishment/],
    [{ establishment: 'LEI' }, /establishment must be this daemon's own/],
    [{ requestRef: '07700900123' }, /^requestRef: must not hold/],
    [{ reason: 'Calls from +44 7700 900 123 reported' }, /^reason: must not hold/],
    [{ reason: 'Letters to LS1 4AP' }, /^reason: must not hold/],
    [{ reason: 'She gets calls on 7700-900-123' }, /^reason: must not hold/],
    [{ unexpected: true }, /not allowed/],
    [{ consent: 'yes' }, /consent/],
    [{ phones: '07700 900123' }, /phones/]
  ]
  for (const [override, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody(override) })
    t.equal(res.statusCode, 400, JSON.stringify(Object.keys(override)))
    t.match(res.json().message, message)
    t.notMatch(res.body, /7700|jane\.victim/, 'the value is not echoed')
  }
  const list = await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })
  t.equal(list.json().total, 0, 'nothing was stored')
  const audit = await app.inject({ method: 'GET', url: '/v1/audit', headers: auth('admin') })
  t.same(audit.json().items, [], 'nothing was audited')
})

t.test('list filters by status, scope, prisoner and reference, and pages', async (t) => {
  let now = Date.parse('2026-11-23T09:00:00Z')
  const { app } = await buildTestApp(t, { clock: () => now++ })
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/entries',
      headers: auth('admin'),
      payload: entryBody(i % 2 === 0
        ? { scope: 'prisoner', prisoner: 'A1234BC', phones: [`07700 90010${i}`], requestRef: `UPC-2026-00000${i}` }
        : { scope: 'establishment', phones: [`07700 90010${i}`], requestRef: `UPC-2026-00000${i}` })
    })
    ids.push(res.json().id)
  }
  await app.inject({ method: 'POST', url: `/v1/entries/${ids[0]}/lift`, headers: auth('admin'), payload: { reason: 'Asked to lift' } })
  const get = async (query: string) => (await app.inject({ method: 'GET', url: `/v1/entries?${query}`, headers: auth('admin') })).json()
  t.equal((await get('')).total, 5)
  t.same((await get('')).items.map((e: { id: string }) => e.id), [...ids].reverse(), 'newest first')
  t.equal((await get('status=lifted')).total, 1)
  t.equal((await get('status=active')).total, 4)
  t.equal((await get('scope=prisoner')).total, 3)
  t.equal((await get('prisoner=a1234bc')).total, 3)
  t.equal((await get('scope=prisoner&status=active')).total, 2)
  t.same((await get('requestRef=UPC-2026-000003')).items.map((e: { id: string }) => e.id), [ids[3]])
  const page = await get('limit=2&offset=2')
  t.same(page.items.map((e: { id: string }) => e.id), [ids[2], ids[1]])
  t.equal(page.total, 5)
  t.equal(page.limit, 2)
  const bad = await app.inject({ method: 'GET', url: '/v1/entries?limit=0', headers: auth('admin') })
  t.equal(bad.statusCode, 400)
  const unknown = await app.inject({ method: 'GET', url: '/v1/entries?colour=red', headers: auth('admin') })
  t.equal(unknown.statusCode, 400)
})

t.test('read and lift: 404 for an unknown id, 409 for a second lift, reason required', async (t) => {
  const { app } = await buildTestApp(t)
  const missing = await app.inject({ method: 'GET', url: '/v1/entries/00000000-0000-4000-8000-000000000000', headers: auth('admin') })
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), { error: 'not_found', message: 'no entry with that id' })
  const badId = await app.inject({ method: 'GET', url: '/v1/entries/not-an-id', headers: auth('admin') })
  t.equal(badId.statusCode, 400)

  const entry = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  const noReason = await app.inject({ method: 'POST', url: `/v1/entries/${entry.id}/lift`, headers: auth('admin'), payload: {} })
  t.equal(noReason.statusCode, 400)
  const lifted = await app.inject({ method: 'POST', url: `/v1/entries/${entry.id}/lift`, headers: auth('both'), payload: { reason: 'Person asked for contact again' } })
  t.equal(lifted.statusCode, 200)
  t.equal(lifted.json().status, 'lifted')
  t.equal(lifted.json().liftedBy, 'console')
  t.equal(lifted.json().liftReason, 'Person asked for contact again')
  t.type(lifted.json().liftedAt, 'string')
  const again = await app.inject({ method: 'POST', url: `/v1/entries/${entry.id}/lift`, headers: auth('admin'), payload: { reason: 'Again' } })
  t.equal(again.statusCode, 409)
  const liftMissing = await app.inject({ method: 'POST', url: '/v1/entries/00000000-0000-4000-8000-000000000000/lift', headers: auth('admin'), payload: { reason: 'x' } })
  t.equal(liftMissing.statusCode, 404)
})

t.test('ordinary reasons with dates and references are accepted', async (t) => {
  const { app } = await buildTestApp(t)
  for (const reason of ['Request received 2026-11-23, decided 2026-11-24', 'See UPC-2026-000123 and police ref 4471/26', 'Victim asked on 23/11/2026 at 14:05']) {
    const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ reason }) })
    t.equal(res.statusCode, 201, reason)
  }
})

t.test('an address written with a brace is kept as text and reads back as it was entered', async (t) => {
  const { app } = await buildTestApp(t)
  const addresses = ['{Flat 2, 14 Acacia Avenue, Leeds LS1 4AP', '"3 Laburnum Grove, Hull HU1 2AB"', { lines: ['5 Privet Drive', 'Leeds'], postcode: 'LS2 7AB' }]
  const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ addresses }) })
  t.equal(res.statusCode, 201)
  const read = await app.inject({ method: 'GET', url: `/v1/entries/${res.json().id}`, headers: auth('admin') })
  t.same(read.json().addresses, addresses)
  const list = await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })
  t.equal(list.statusCode, 200)
})

t.test('addressMode: whole by default; named needs a readable protected person and an address', async (t) => {
  const { app } = await buildTestApp(t)
  const create = (body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody(body) })
  const whole = await create({})
  t.equal(whole.statusCode, 201)
  t.equal(whole.json().addressMode, 'whole')
  const named = await create({ addressMode: 'named' })
  t.equal(named.statusCode, 201)
  t.equal(named.json().addressMode, 'named')
  t.equal((await app.inject({ method: 'GET', url: `/v1/entries/${named.json().id}`, headers: auth('admin') })).json().addressMode, 'named')

  const refused: Array<[Record<string, unknown>, RegExp]> = [
    [{ addressMode: 'named', protectedPerson: undefined }, /protectedPerson is required when addressMode is named/],
    [{ addressMode: 'named', protectedPerson: 'The Occupier' }, /protectedPerson must name a person/],
    [{ addressMode: 'named', addresses: [] }, /addressMode named needs at least one address/],
    [{ addressMode: 'partly' }, /addressMode/]
  ]
  for (const [body, message] of refused) {
    const res = await create(body)
    t.equal(res.statusCode, 400)
    t.match(res.json().message, message)
    t.notMatch(res.body, /Occupier|Acacia/, 'the value is not echoed')
  }
})

t.test('emergency and short service numbers are refused at entry time with a clear message', async (t) => {
  const { app } = await buildTestApp(t)
  for (const phone of ['999', '112', '101', '111', '9 9 9', '116 123', '118 118']) {
    const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900123', phone] }) })
    t.equal(res.statusCode, 400, phone)
    t.equal(res.json().message, 'phones[1] is an emergency or short service number, which cannot be blocked')
  }
})

t.test('list searches request references by part, in any case, with LIKE wildcards taken literally', async (t) => {
  const { app } = await buildTestApp(t)
  for (const ref of ['UPC-2026-000123', 'UPC-2026-000456', 'POL_2026_9', 'POL%2026']) {
    await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ requestRef: ref }) })
  }
  const refs = async (q: string) => (await app.inject({ method: 'GET', url: `/v1/entries?refContains=${encodeURIComponent(q)}`, headers: auth('admin') })).json().items.map((e: { requestRef: string }) => e.requestRef).sort()
  t.same(await refs('2026-000'), ['UPC-2026-000123', 'UPC-2026-000456'])
  t.same(await refs('upc'), ['UPC-2026-000123', 'UPC-2026-000456'], 'any case')
  t.same(await refs('_2026_'), ['POL_2026_9'], 'an underscore is an underscore')
  t.same(await refs('%'), [], 'a percent sign is a percent sign (no reference holds one)')
})

t.test('new entries get time-ordered ids: UUID version 7, the first 48 bits the moment they were made', async (t) => {
  const { app } = await buildTestApp(t)
  const before = Date.now()
  const ids: string[] = []
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [`07700 90012${i}`] }) })
    t.equal(res.statusCode, 201)
    ids.push(res.json().id as string)
  }
  const after = Date.now()
  for (const id of ids) {
    t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'version 7, RFC 9562 variant')
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
    t.ok(ms >= before && ms <= after, 'its time is when it was made')
  }
  t.same([...ids].sort(), ids, 'each sorts after the one made before it')
})
