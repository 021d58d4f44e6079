/**
 * The hostile-input run: generated requests against a real app (fastify.inject), each judged on its
 * own, and a slice of malformed HTTP on a real socket. Shared by test/fuzz.test.ts and scripts/fuzz.ts.
 *
 * What is judged, per request: no 5xx; an error body is JSON {error, message} and quotes no contact
 * detail or token; the security headers are set; a check that carries a blocked detail and is answered
 * 200 says block; and no table changed unless the request was a 2xx POST outside /v1/check. Writes are
 * counted by triggers the run adds to its own scratch store (check audit rows, written a moment later
 * in batches, are counted apart and compared at the end with the decisions answered).
 */
import { connect } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { BLOCKED, buildRequest, requestArb } from './hostile-requests.js'
import type { BuiltRequest, FuzzContext } from './hostile-requests.js'

export interface FuzzOptions {
  requests: number
  seed: number
  /** requests before the starting RSS is taken */
  warmup: number
  /** stop at the first violation and let fast-check shrink it (the test); else count them all */
  shrink: boolean
  /** fuzz only these routes (the harness's own test aims it at a route broken on purpose) */
  only?: (route: string) => boolean
  onProgress?: (done: number) => void
}

export interface Violation { kind: string, request: string, status: number, detail: string }

export interface FuzzReport {
  requests: number
  ms: number
  byStatus: Record<string, number>
  violations: Violation[]
  /** requests answered 2xx that changed a table (creates, lifts, transfers) */
  acceptedWrites: number
  /** requests refused (or not writing) after which no table had changed */
  unchangedChecked: number
  /** check answers (200) to an attempt carrying a blocked detail, each of which said block */
  blocksHeld: number
  auditChecks: { expected: number, found: number }
  rss: { start: number, end: number, peak: number }
  /** V8 heap in use after a collection, at the same two moments: a leak of objects shows here */
  heap: { start: number, end: number }
  error: string | null
}

const MAX_KEPT = 50
const CHECK_ROUTES = new Set(['/v1/check', '/v1/check/batch', '/v1/check/phone', '/v1/check/explain'])
const SECURITY = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' } as const
const CHECK_AUDIT = "('check.decide', 'check', 'check.explain')"

/** The gc of this process, exposed late (tap and tsx give no way to pass --expose-gc per file). */
export function gcFunction (): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc as () => void
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

function rssAfterGc (gc: () => void): number {
  gc()
  gc()
  return process.memoryUsage.rss()
}

/**
 * A write counter per table, kept by triggers on the scratch store the run owns. Check audit rows are
 * left out (audit_checks, audit_check_entry, and the entry keys a batched check.explain makes): they are written in batches after the answer, and
 * counted apart. So is audit_link, the
 * keyed links of the audit chain (migration 016): one comes with every audit append, those batches
 * included, and any other append is counted on the audit table itself.
 */
function installWriteCounters (dbFile: string) {
  const db = new Database(dbFile)
  db.pragma('busy_timeout = 5000')
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('fuzz_writes', 'audit_link', 'audit_checks', 'audit_check_entry', 'audit_entry_keys')").pluck().all() as string[])
  db.exec('CREATE TABLE IF NOT EXISTS fuzz_writes (tbl TEXT PRIMARY KEY, n INTEGER NOT NULL)')
  for (const table of tables) {
    db.prepare('INSERT OR IGNORE INTO fuzz_writes (tbl, n) VALUES (?, 0)').run(table)
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      const when = table === 'audit' && event === 'INSERT' ? `WHEN NEW.action NOT IN ${CHECK_AUDIT}` : ''
      db.exec(`CREATE TRIGGER IF NOT EXISTS "fuzz_${table}_${event}" AFTER ${event} ON "${table}" ${when}
        BEGIN UPDATE fuzz_writes SET n = n + 1 WHERE tbl = '${table}'; END`)
    }
  }
  const read = db.prepare('SELECT tbl, n FROM fuzz_writes ORDER BY tbl')
  const checkRows = db.prepare(`SELECT count(*) FROM audit_all WHERE action IN ${CHECK_AUDIT}`).pluck()
  return {
    snapshot: () => (read.all() as Array<{ tbl: string, n: number }>).map((row) => `${row.tbl}:${row.n}`).join(','),
    checkRows: () => checkRows.get() as number,
    close: () => db.close()
  }
}

function changedTables (before: string, after: string): string {
  const was = new Map(before.split(',').map((part) => part.split(':') as [string, string]))
  return after.split(',').map((part) => part.split(':') as [string, string]).filter(([tbl, n]) => was.get(tbl) !== n).map(([tbl]) => tbl).join(', ')
}

const LEAK_NEEDLES = ['7700900123', '7700 900123', 'acacia', 'jane.victim', 'ls1 4ap', 'ls14ap']

/** Judges one answer; returns the violations it shows. */
function judge (req: BuiltRequest, route: string, status: number, headers: Record<string, unknown>, body: string, tokens: string[], held: () => void): Array<[string, string]> {
  const found: Array<[string, string]> = []
  if (status >= 500) found.push(['5xx', body.slice(0, 200)])
  for (const [name, value] of Object.entries(SECURITY)) {
    if (headers[name] !== value) found.push(['header', `${name}: ${String(headers[name])}`])
  }
  for (const token of tokens) if (body.includes(token)) found.push(['token in answer', route])
  if (status >= 400) {
    const lower = body.toLowerCase()
    for (const needle of LEAK_NEEDLES) if (lower.includes(needle)) found.push(['detail in error', needle])
    if (req.method !== 'HEAD') {
      let parsed: unknown
      try { parsed = JSON.parse(body) } catch { parsed = null }
      const ok = typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string' && typeof (parsed as { message?: unknown }).message === 'string'
      if (!ok) found.push(['error body', body.slice(0, 120)])
    }
  }
  if (status === 200 && CHECK_ROUTES.has(route) && req.method !== 'HEAD') {
    const answer = JSON.parse(body) as { decision?: string, results?: Array<{ decision: string }> }
    if (route === '/v1/check/batch') {
      const items = (req.parsed as { items?: unknown } | undefined)?.items
      if (Array.isArray(items)) {
        if (answer.results?.length !== items.length) found.push(['batch order', `${answer.results?.length} results for ${items.length} items`])
        items.forEach((item, i) => {
          if (!carriesBlocked(item)) return
          if (answer.results?.[i]?.decision === 'block') held()
          else found.push(['allowed a blocked detail', `items[${i}]`])
        })
      }
    } else {
      if (!['block', 'allow'].includes(answer.decision ?? '')) found.push(['decision', String(answer.decision)])
      const number = req.query?.getAll('number')
      const blockedGet = route === '/v1/check/phone' && number?.length === 1 && number[0] === BLOCKED.phone
      if (carriesBlocked(req.parsed) || blockedGet) {
        if (answer.decision === 'block') held()
        else found.push(['allowed a blocked detail', route])
      }
    }
  }
  return found
}

function carriesBlocked (value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const { phone, email, address } = value as Record<string, unknown>
  return phone === BLOCKED.phone || email === BLOCKED.email || address === BLOCKED.address
}

/** How many check audit rows a 200 answer adds: one a decision. */
function decisionsIn (route: string, status: number, body: string, method: string): number {
  if (status !== 200 || !CHECK_ROUTES.has(route)) return 0
  if (route === '/v1/check/batch') return method === 'HEAD' ? 0 : (JSON.parse(body) as { results: unknown[] }).results.length
  return 1
}

/** Seeds the store (the blocked entry, some to lift), then runs `options.requests` generated requests. */
export async function fuzzInject (app: FastifyInstance, dbFile: string, tokens: Record<string, string>, bodyLimit: number, options: FuzzOptions): Promise<FuzzReport> {
  const admin = { authorization: `Bearer ${tokens.admin}` }
  const seed = await app.inject({ method: 'POST', url: '/v1/entries', headers: admin, payload: { scope: 'establishment', phones: [BLOCKED.phone], emails: [BLOCKED.email], addresses: [BLOCKED.address], reason: 'Fuzz seed: must block throughout' } })
  if (seed.statusCode !== 201) throw new Error(`seeding failed: ${seed.statusCode} ${seed.body}`)
  const liftable: string[] = []
  for (let i = 0; i < 5; i++) {
    const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: admin, payload: { scope: 'prisoner', prisoner: 'F6789GH', phones: [`0113 496 010${i}`], reason: 'Fuzz: to lift' } })
    liftable.push(res.json().id)
  }
  const ctx: FuzzContext = { tokens, seedId: seed.json().id, liftable, bodyLimit }
  const routes = app.upc.routes.filter((route) => options.only?.(route.url) ?? true)
  const writes = installWriteCounters(dbFile)
  const gc = gcFunction()
  const secretTokens = Object.values(tokens)
  const report: FuzzReport = {
    requests: 0, ms: 0, byStatus: {}, violations: [], acceptedWrites: 0, unchangedChecked: 0, blocksHeld: 0,
    auditChecks: { expected: writes.checkRows(), found: 0 }, rss: { start: 0, end: 0, peak: 0 }, heap: { start: 0, end: 0 }, error: null
  }
  const started = Date.now()
  let last = writes.snapshot()
  const property = fc.asyncProperty(requestArb(routes, ctx), async (desc) => {
    const req = buildRequest(desc, ctx)
    const route = desc.route.url
    let res
    try {
      res = await app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload === undefined ? {} : { payload: req.payload }) })
    } catch (err) {
      // light-my-request refusing what it cannot send (never the daemon): counted, not judged.
      report.byStatus.refusedByClient = (report.byStatus.refusedByClient ?? 0) + 1
      void err
      return true
    }
    report.requests++
    const status = res.statusCode
    const cls = `${Math.floor(status / 100)}xx`
    report.byStatus[cls] = (report.byStatus[cls] ?? 0) + 1
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1
    const found = judge(req, res.statusCode === 404 ? '' : route, status, res.headers, res.body, secretTokens, () => { report.blocksHeld++ })
    const now = writes.snapshot()
    if (now !== last) {
      const mayWrite = status >= 200 && status < 300 && req.method === 'POST' && !CHECK_ROUTES.has(route)
      if (mayWrite) report.acceptedWrites++
      else found.push(['store changed', changedTables(last, now)])
      last = now
    } else {
      report.unchangedChecked++
    }
    report.auditChecks.expected += res.statusCode === 404 ? 0 : decisionsIn(route, status, res.body, req.method)
    for (const [kind, detail] of found) {
      if (report.violations.length < MAX_KEPT) report.violations.push({ kind, request: req.summary, status, detail })
    }
    if (report.requests === options.warmup) {
      report.rss.start = rssAfterGc(gc)
      report.heap.start = process.memoryUsage().heapUsed
    }
    // Collected as it goes, so that the end figure shows what is held, not what V8 has yet to collect.
    if (report.requests % 500 === 0) gc()
    if (report.requests % 1000 === 0) {
      report.rss.peak = Math.max(report.rss.peak, process.memoryUsage.rss())
      options.onProgress?.(report.requests)
    }
    return found.length === 0 || !options.shrink
  })
  // Chunks, so that a long run reports as it goes and a violation in one chunk does not end the run.
  const chunk = options.shrink ? options.requests : 10_000
  for (let done = 0, i = 0; done < options.requests; done += chunk, i++) {
    try {
      await fc.assert(property, { numRuns: Math.min(chunk, options.requests - done), seed: options.seed + i, endOnFailure: !options.shrink })
    } catch (err) {
      report.error = String((err as Error).message).slice(0, 4000)
      if (options.shrink) break
    }
  }
  report.ms = Date.now() - started
  // Every decision answered is in the trail, and nothing refused added one (GET /v1/audit flushes).
  await app.inject({ method: 'GET', url: '/v1/audit?limit=1', headers: admin })
  report.auditChecks.found = writes.checkRows()
  writes.close()
  report.rss.end = rssAfterGc(gc)
  report.heap.end = process.memoryUsage().heapUsed
  if (report.rss.start === 0) report.rss.start = report.rss.end
  report.rss.peak = Math.max(report.rss.peak, report.rss.end)
  return report
}

// ---- the socket slice -----------------------------------------------------------------------------

export interface SocketReport { sent: number, answered: Record<string, number>, closedSilently: number, timedOut: number, violations: string[] }

const CRLF = '\r\n'

/** Malformed HTTP as raw bytes: what fastify.inject cannot send. */
function rawRequestArb (tokens: Record<string, string>): fc.Arbitrary<{ what: string, bytes: Buffer }> {
  const check = tokens.check ?? ''
  const head = (lines: string[]) => Buffer.from(lines.join(CRLF) + CRLF + CRLF, 'latin1')
  const json = (body: Buffer, extra: string[] = []) => Buffer.concat([
    head(['POST /v1/check HTTP/1.1', 'Host: x', `Authorization: Bearer ${check}`, 'Content-Type: application/json', `Content-Length: ${body.length}`, ...extra]), body
  ])
  const bad = (bytes: readonly number[]) => Buffer.concat([Buffer.from('{"channel":"phone","prisoner":"A1234BC","phone":"07700 9001'), Buffer.from(bytes), Buffer.from('23"}')])
  return fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((bytes) => ({ what: 'random bytes', bytes: Buffer.from(bytes) })),
    fc.string({ unit: 'binary-ascii', maxLength: 300 }).map((text) => ({ what: 'random ascii', bytes: Buffer.from(text + CRLF + CRLF, 'latin1') })),
    fc.constantFrom(
      { what: 'header over 16 KiB', bytes: head(['GET /healthz HTTP/1.1', 'Host: x', `X-Long: ${'a'.repeat(20_000)}`]) },
      { what: 'authorization over 16 KiB', bytes: head(['GET /v1/sync HTTP/1.1', 'Host: x', `Authorization: Bearer ${'a'.repeat(17_000)}`]) },
      { what: '3000 headers', bytes: head(['GET /healthz HTTP/1.1', 'Host: x', ...Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`)]) },
      { what: 'NUL in a header', bytes: head(['GET /healthz HTTP/1.1', 'Host: x', 'X-A: a\u0000b']) },
      { what: 'NUL in the path', bytes: head(['GET /v1/entries/\u0000 HTTP/1.1', 'Host: x', `Authorization: Bearer ${tokens.admin}`]) },
      { what: 'header without colon', bytes: head(['GET /healthz HTTP/1.1', 'Host: x', 'Broken header']) },
      { what: 'obsolete line folding', bytes: head(['GET /healthz HTTP/1.1', 'Host: x', 'X-A: a', ' folded']) },
      { what: 'two content lengths', bytes: Buffer.concat([head(['POST /v1/check HTTP/1.1', 'Host: x', `Authorization: Bearer ${check}`, 'Content-Type: application/json', 'Content-Length: 2', 'Content-Length: 3']), Buffer.from('{}')]) },
      { what: 'content length and chunked', bytes: Buffer.concat([head(['POST /v1/check HTTP/1.1', 'Host: x', `Authorization: Bearer ${check}`, 'Content-Type: application/json', 'Content-Length: 2', 'Transfer-Encoding: chunked']), Buffer.from('0\r\n\r\n')]) },
      { what: 'bad chunk size', bytes: Buffer.concat([head(['POST /v1/check HTTP/1.1', 'Host: x', `Authorization: Bearer ${check}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked']), Buffer.from('zz\r\n{}\r\n0\r\n\r\n')]) },
      { what: 'content length not a number', bytes: Buffer.concat([head(['POST /v1/check HTTP/1.1', 'Host: x', `Authorization: Bearer ${check}`, 'Content-Length: nope']), Buffer.from('{}')]) },
      { what: 'negative content length', bytes: head(['POST /v1/check HTTP/1.1', 'Host: x', `Authorization: Bearer ${check}`, 'Content-Length: -1']) },
      { what: 'HTTP/9.9', bytes: head(['GET /healthz HTTP/9.9', 'Host: x']) },
      { what: 'HTTP/0.9', bytes: Buffer.from('GET /healthz' + CRLF) },
      { what: 'lowercase method', bytes: head(['get /healthz HTTP/1.1', 'Host: x']) },
      { what: 'unknown method', bytes: head(['BREW /healthz HTTP/1.1', 'Host: x']) },
      { what: 'spaces in the path', bytes: head(['GET /v1/entries/a b c HTTP/1.1', 'Host: x']) },
      { what: 'raw UTF-8 in the path', bytes: Buffer.from(`GET /v1/entries/\u00e9\u20ac HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`, 'utf8') },
      { what: 'invalid UTF-8 in the path', bytes: Buffer.concat([Buffer.from('GET /v1/entries/'), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from(` HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`)]) },
      { what: 'invalid UTF-8 in a header', bytes: Buffer.concat([Buffer.from(`GET /v1/sync HTTP/1.1${CRLF}Host: x${CRLF}Authorization: Bearer `), Buffer.from([0xff, 0xed, 0xa0, 0x80]), Buffer.from(CRLF + CRLF)]) },
      { what: 'absolute URI', bytes: head(['GET http://evil.example/healthz HTTP/1.1', 'Host: x']) },
      { what: 'no Host', bytes: head(['GET /healthz HTTP/1.1']) },
      { what: 'asterisk target', bytes: head(['OPTIONS * HTTP/1.1', 'Host: x']) },
      { what: 'request line of 70 KiB', bytes: head([`GET /${'a'.repeat(70_000)} HTTP/1.1`, 'Host: x']) },
      { what: 'bare LF line ends', bytes: Buffer.from('GET /healthz HTTP/1.1\nHost: x\n\n') },
      { what: 'pipelined junk after a good request', bytes: Buffer.concat([head(['GET /healthz HTTP/1.1', 'Host: x']), Buffer.from('\u0000\u0001garbage\r\n\r\n')]) },
      { what: 'content length shorter than the body', bytes: Buffer.concat([head(['POST /v1/check HTTP/1.1', 'Host: x', `Authorization: Bearer ${check}`, 'Content-Type: application/json', 'Content-Length: 5']), Buffer.from('{"channel":"phone"}')]) }
    ),
    fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x00]).map((bytes) => ({ what: `invalid UTF-8 in a check body ${bytes.join(',')}`, bytes: json(bad(bytes)) })),
    fc.constantFrom('text/plain', 'application/json; charset=utf-16', 'application/xml').map((type) => ({ what: `content type ${type}`, bytes: json(Buffer.from('{"channel":"phone"}'), [`X-Type: ${type}`]) }))
  )
}

/** Sends one request's bytes, half-closes, and reads until the server closes or `timeoutMs` passes. */
function exchange (port: number, bytes: Buffer, timeoutMs: number): Promise<{ text: string, timedOut: boolean }> {
  return new Promise((resolve) => {
    let text = ''
    let done = false
    const finish = (timedOut: boolean) => {
      if (done) return
      done = true
      socket.destroy()
      resolve({ text, timedOut })
    }
    const socket = connect(port, '127.0.0.1', () => { socket.end(bytes) })
    socket.on('data', (chunk) => { text += chunk.toString('latin1') })
    socket.on('close', () => finish(false))
    socket.on('error', () => finish(false))
    setTimeout(() => finish(true), timeoutMs).unref()
  })
}

export async function fuzzSocket (port: number, tokens: Record<string, string>, runs: number, seed: number): Promise<SocketReport> {
  const report: SocketReport = { sent: 0, answered: {}, closedSilently: 0, timedOut: 0, violations: [] }
  const samples = fc.sample(rawRequestArb(tokens), { numRuns: runs, seed })
  for (const { what, bytes } of samples) {
    const { text, timedOut } = await exchange(port, bytes, 3000)
    report.sent++
    if (timedOut) report.timedOut++
    const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => m[1] as string)
    if (statuses.length === 0 && !timedOut) report.closedSilently++
    for (const status of statuses) {
      report.answered[status] = (report.answered[status] ?? 0) + 1
      if (status.startsWith('5')) report.violations.push(`${what}: ${status}`)
    }
    for (const token of Object.values(tokens)) if (text.includes(token)) report.violations.push(`${what}: a token in the answer`)
  }
  return report
}
