// A 400 names the field and what is allowed, and never quotes a value; a store that cannot be opened
// names its path.
import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { StoreOpenError, openDatabase } from '../../src/store/db.js'
import { auth, buildTestApp, tempDir } from '../helper.js'

t.test('an unknown field is named, with the fields allowed; an enum lists its values', async (t) => {
  const { app } = await buildTestApp(t)
  const post = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload })
  const unknown = await post({ channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123', phoneNumber: '07700 900124' })
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().message, 'body has a field that is not allowed: phoneNumber; allowed: channel, prisoner, phone, email, address, recipient')
  t.notMatch(unknown.body, /900124/, 'never the value')

  const channel = await post({ channel: 'pigeon', prisoner: 'A1234BC', phone: '07700 900123' })
  t.equal(channel.statusCode, 400)
  t.equal(channel.json().message, 'body/channel must be one of: phone, mail, email, message')
  t.notMatch(channel.body, /pigeon/)
})

t.test('a field name that could be a detail is not quoted back', async (t) => {
  const { app } = await buildTestApp(t)
  for (const key of ['07700900123', 'jane@example.org', 'Flat 2, 14 Acacia Avenue', 'tel07700900123']) {
    const res = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123', [key]: 1 } })
    t.equal(res.statusCode, 400)
    t.match(res.json().message, /^body has a field that is not allowed; allowed: channel, /, 'the rule and the allowed fields')
    t.notMatch(res.body, key, 'not the name')
  }
})

t.test('a store whose folder cannot be written names the path and the reason', { skip: process.getuid?.() === 0 ? 'root writes any folder, so permission cannot be denied here' : false }, async (t) => {
  const dir = tempDir(t)
  const locked = join(dir, 'locked')
  mkdirSync(locked)
  chmodSync(locked, 0o500)
  t.teardown(() => chmodSync(locked, 0o700))
  const file = join(locked, 'sub', 'upc-guard.db')
  t.throws(() => openDatabase(file), new StoreOpenError(file, { code: 'EACCES' }))
  t.throws(() => openDatabase(file), { message: `the store ${file} cannot be opened: permission denied (check that its folder exists or can be made, and is writable by this user)` })
})

t.test('a store path that is a folder names the path', async (t) => {
  const dir = tempDir(t)
  t.throws(() => openDatabase(dir), { message: new RegExp(`^the store ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be opened: `) })
})
