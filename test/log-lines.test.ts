import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { LINE_FIELDS_MAX, LINE_WRITE_MAX, wholeLines } from '../src/logger.js'
import { auth, buildTestApp, tempDir } from './helper.js'

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value))
const hash = (i: number) => i.toString(16).padStart(24, '0')
const uuid = (i: number) => `${i.toString(16).padStart(8, '0')}-1111-7111-8111-111111111111`

t.test('a line of a few list items stays one line, the same object', async (t) => {
  const fields = { reqId: 'req-1', client: 'pbx', status: 200, keyHashes: [hash(1), hash(2)], entryIds: [uuid(1)] }
  const lines = wholeLines(fields)
  t.equal(lines.length, 1)
  t.equal(lines[0], fields)
})

t.test('a line whose lists pass the limit goes on in continued lines: each under the limit, nothing lost, in order', async (t) => {
  // 400 hashes of 26 bytes quoted, and 150 ids of 38: about 16 KB of lists, four or five lines' worth.
  const keyHashes = Array.from({ length: 400 }, (_, i) => hash(i))
  const entryIds = Array.from({ length: 150 }, (_, i) => uuid(i))
  const fields = { reqId: 'req-9', client: 'messaging', method: 'POST', route: '/v1/check/batch', status: 200, ms: 1.5, items: 400, keyHashes, blocked: 3, entryIds }
  const lines = wholeLines(fields)
  t.ok(lines.length >= 5, `${lines.length} lines`)
  for (const line of lines) t.ok(bytes(line) <= LINE_FIELDS_MAX, `a line of ${bytes(line)} bytes of fields`)
  t.match(lines[0], { reqId: 'req-9', client: 'messaging', method: 'POST', route: '/v1/check/batch', status: 200, ms: 1.5, items: 400, blocked: 3 })
  t.equal(lines[0]?.continued, undefined, 'the first line is not a continuation')
  lines.slice(1).forEach((line, i) => {
    t.same(Object.keys(line).slice(0, 2), ['reqId', 'continued'])
    t.equal(line.reqId, 'req-9')
    t.equal(line.continued, i + 1)
    t.equal(line.client, undefined, 'a continuation carries the lists alone')
  })
  const joined = (key: string) => lines.flatMap((line) => (line[key] as string[] | undefined) ?? [])
  t.same(joined('keyHashes'), keyHashes, 'every hash, once, in order')
  t.same(joined('entryIds'), entryIds, 'every id, once, in order')
})

t.test('at every length of three lists, from one line to many: each line under the limit, every item once, in order', async (t) => {
  let checked = 0
  for (let n = 0; n <= 420; n += 1) {
    // The batch route's lists: prisoners, keyed hashes, entry ids (and an empty one among them).
    const fields = {
      reqId: `req-${n}`,
      client: 'c'.repeat(64),
      method: 'POST',
      route: '/v1/check/batch',
      status: 200,
      ms: 12.345,
      items: n,
      prisoners: Array.from({ length: n % 7 }, (_, i) => `A${String(1000 + i)}BC`),
      keyHashes: Array.from({ length: n }, (_, i) => hash(i)),
      none: [] as string[],
      blocked: n % 5,
      entryIds: Array.from({ length: Math.floor(n / 3) }, (_, i) => uuid(i))
    }
    const lines = wholeLines(fields)
    const over = lines.filter((line) => bytes(line) > LINE_FIELDS_MAX)
    if (over.length > 0) t.fail(`n = ${n}: a line of ${bytes(over[0])} bytes`)
    for (const key of ['prisoners', 'keyHashes', 'none', 'entryIds'] as const) {
      const joined = lines.flatMap((line) => (line[key] as string[] | undefined) ?? [])
      if (JSON.stringify(joined) !== JSON.stringify(fields[key])) t.fail(`n = ${n}: ${key} not whole`)
      if (!lines.some((line) => Array.isArray(line[key]))) t.fail(`n = ${n}: ${key} missing`)
    }
    checked++
  }
  t.equal(checked, 421, 'every length from 0 to 420 checked')
})

t.test('items that JSON escapes or that are not ASCII are measured as written', async (t) => {
  // 200 items of 30 characters that take 2 to 4 bytes each in the line: as plain ASCII they would
  // seem to fit in two lines, and the lines would pass the limit.
  const odd = Array.from({ length: 200 }, (_, i) => `${'é"\\'.repeat(10)}${i}`)
  const lines = wholeLines({ reqId: 'req-2', odd })
  for (const line of lines) t.ok(bytes(line) <= LINE_FIELDS_MAX, `a line of ${bytes(line)} bytes of fields`)
  t.same(lines.flatMap((line) => line.odd as string[]), odd)
})

t.test('a batch of 300 checks over a real socket: every line of the log is one write of at most 4 KiB, and the batch\'s hashes are all there', async (t) => {
  const logFile = join(tempDir(t), 'daemon.log')
  const { app } = await buildTestApp(t, { logFile })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const items = Array.from({ length: 300 }, (_, i) => ({ channel: 'phone', prisoner: 'A1234BC', phone: `07700 900${String(i).padStart(3, '0')}` }))
  const res = await fetch(`http://127.0.0.1:${port}/v1/check/batch`, { method: 'POST', headers: { ...auth('check'), 'content-type': 'application/json' }, body: JSON.stringify({ items }) })
  t.equal(res.status, 200)
  const results = (await res.json() as { results: unknown[] }).results
  t.equal(results.length, 300)
  await app.close()
  const text = readFileSync(logFile, 'utf8')
  for (const raw of text.trim().split('\n')) t.ok(Buffer.byteLength(raw) + 1 <= LINE_WRITE_MAX, `a line of ${Buffer.byteLength(raw)} bytes`)
  const lines = text.trim().split('\n').map((raw) => JSON.parse(raw) as Record<string, unknown>)
  const batch = lines.find((line) => line.route === '/v1/check/batch')
  t.ok(batch !== undefined, 'the batch\'s line')
  const parts = lines.filter((line) => line.reqId === batch?.reqId && line.msg === 'request')
  t.ok(parts.length > 1, `the line went on in ${parts.length - 1} more`)
  const hashes = parts.flatMap((line) => (line.keyHashes as string[] | undefined) ?? [])
  // Two keys looked up a UK mobile number (its E.164 form, p:+447700900000, and its national
  // digits, pd:07700900000), so two keyed hashes an item: 600, each 24 hex digits, none twice.
  t.equal(hashes.length, 600)
  t.equal(new Set(hashes).size, 600)
  t.ok(hashes.every((h) => /^[0-9a-f]{24}$/.test(h)))
})
