// Every input is bounded in the work it can cause: the largest and most hostile fields the schemas
// allow are read into at most a fixed number of keys per kind, on the check and on an entry, and a
// batch of them is answered. Counts, never timings.
import fc from 'fast-check'
import t from 'tap'
import { DETAIL_LOOKUP_CAP, DETAIL_STORE_CAP } from '../../src/domain/address.js'
import { keysFor } from '../../src/domain/contact-keys.js'
import type { ContactKind } from '../../src/domain/detail-keys.js'
import { MAX_ADDRESSES } from '../../src/domain/email-read.js'
import { MAX_LOOKUP_KEYS, MAX_NUMBERS } from '../../src/domain/phone.js'
import { auth, buildTestApp, entryBody } from '../helper.js'

/** The most keys a detail of each kind may be read into (the normalisers' own caps). */
const MOST: Record<ContactKind, { store: number, lookup: number }> = {
  // each number's E.164 key and its digits key
  phone: { store: MAX_NUMBERS * 2, lookup: MAX_LOOKUP_KEYS },
  // each address, two readings of it at most, and the exact text
  email: { store: MAX_ADDRESSES * 2, lookup: MAX_ADDRESSES * 2 + 1 },
  // every address the field holds, their keys taken in turn up to the detail's caps
  address: { store: DETAIL_STORE_CAP, lookup: DETAIL_LOOKUP_CAP }
}

const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)
/** Distinct details one after another, cut at the limit: `make(i)` for i = 0, 1, 2 ... */
const many = (make: (i: number) => string, length: number) => Array.from({ length }, (_, i) => make(i)).join('').slice(0, length)

/** Hand-made worst cases at the schemas' limits: phone 64, email 320, address 1000 or 12 lines of 200. */
const HOSTILE = {
  phone: [many((i) => `077009001${20 + i};`, 64), many((i) => `0113 496 0${i}`, 64), many((i) => `${i} `, 64), fill('07700 900123;', 64), fill('0 ', 64), fill('1/', 64), fill('nought double ', 64), fill('+44 (0)20 ', 64), fill('%2B44%E0', 64), fill('9', 64)],
  email: [many((i) => `a${i}@b.example,`, 320), many((i) => `x${i} at y dot z `, 320), many((i) => `"a${i}"(b)@c${i}.example;`, 320), fill('a@b.example,', 320), fill('j a n e @ ', 320), fill('x at y dot z ', 320), fill('@', 320), fill('"a"(b)@c.example;', 320), fill('mailto:a@b.example?cc=c@d.example&', 320)],
  address: [
    fill('14-16 Acacia Avenue Flat 2 3F2 1/1 GFF LS1 4AP ', 1000),
    many((i) => `${i} Street${i} Road LS${i} ${i}AB Flat ${i} `, 1000),
    fill('One Hundred and Three Forty-One Beech Road ', 1000),
    fill('LS1 4AP HU9 5LS YO10 4DD ', 1000),
    fill('Flat5,9ElmGrove,YorkYO104DD', 1000),
    { lines: Array.from({ length: 12 }, (_, i) => fill(`${i} Saint Johns North Upper Road Flat ${i} `, 200)), postcode: 'LS1 4AP' }
  ]
} as const

t.test('the hostile fields at the schemas\' limits stay within each kind\'s caps', async (t) => {
  for (const kind of ['phone', 'email', 'address'] as const) {
    for (const value of HOSTILE[kind]) {
      const keys = keysFor(kind, value)
      t.ok(keys.store.length <= MOST[kind].store, `${kind} store: ${keys.store.length} keys`)
      t.ok(keys.lookup.length <= MOST[kind].lookup, `${kind} lookup: ${keys.lookup.length} keys`)
    }
  }
})

t.test('property: any text of the limit\'s length, made of what the readers look for, stays within the caps', async (t) => {
  const pieces = ['0', '7', '44', '+', ' ', ',', ';', '/', '@', '.', 'at', 'dot', 'oh', 'double', 'LS1', '4AP', 'Flat', '2', '-', 'Road', 'St', '\n', '(', ')', '"', '<', '>', 'x']
  const text = (length: number) => fc.array(fc.constantFrom(...pieces), { minLength: length, maxLength: length }).map((parts) => parts.join('').slice(0, length))
  const limits: Record<ContactKind, number> = { phone: 64, email: 320, address: 1000 }
  for (const kind of ['phone', 'email', 'address'] as const) {
    fc.assert(fc.property(text(limits[kind]), (value) => {
      const keys = keysFor(kind, value)
      return keys.store.length <= MOST[kind].store && keys.lookup.length <= MOST[kind].lookup
    }), { numRuns: 300, seed: 20261207 })
  }
  t.pass('held')
})

t.test('a batch of hostile checks on a real listening server: answered, every item keyed within the caps', async (t) => {
  const { app } = await buildTestApp(t)
  const created = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  t.equal(created.statusCode, 201)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const items = Array.from({ length: 200 }, (_, i) => ({
    channel: 'mail',
    prisoner: 'A1234BC',
    phone: HOSTILE.phone[i % HOSTILE.phone.length],
    email: HOSTILE.email[i % HOSTILE.email.length],
    address: HOSTILE.address[i % HOSTILE.address.length],
    recipient: fill('Mary Smith & John Brown c/o ', 200)
  }))
  const res = await fetch(`http://127.0.0.1:${port}/v1/check/batch`, {
    method: 'POST', headers: { ...auth('check'), 'content-type': 'application/json' }, body: JSON.stringify({ items })
  })
  t.equal(res.status, 200)
  const body = await res.json() as { results: Array<{ decision: string }> }
  t.equal(body.results.length, items.length, 'every item answered')
  // the first item's fourth number (07700900123) is the entry's: held
  t.equal(body.results[0]?.decision, 'block')
  const explained = await fetch(`http://127.0.0.1:${port}/v1/check/explain`, {
    method: 'POST', headers: { ...auth('admin'), 'content-type': 'application/json' }, body: JSON.stringify(items[4])
  })
  const keys = (await explained.json() as { keys: Record<ContactKind, string[]> }).keys
  for (const kind of ['phone', 'email', 'address'] as const) t.ok(keys[kind].length <= MOST[kind].lookup, `${kind}: ${keys[kind].length} keys`)
})
