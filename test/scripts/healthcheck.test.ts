/**
 * Health for orchestrators: /healthz is liveness, /readyz readiness, and the image's health command
 * (scripts/healthcheck.mjs) says unhealthy exactly when a restart could help or nobody answers: an
 * index that failed to load, or no answer at all; never for a stale copy of the hub's entries.
 * Each against a real listening app: one whose index loads, one whose index fails to load (its
 * store's index-load B-tree damaged on disk, as a bad sector would), one past its sync limit.
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync, writeSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { ROOT } from '../../scripts/lib/daemon.js'
import { auth, buildTestApp, entryBody, tempDir } from '../helper.js'
import type { FastifyInstance } from 'fastify'

/** Runs the image's health command against 127.0.0.1:port, as Docker would. */
async function healthcheck (port: number): Promise<{ code: number | null, out: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/healthcheck.mjs')], {
    env: { PATH: process.env.PATH ?? '', UPC_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, out }
}

async function listen (app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return (app.server.address() as AddressInfo).port
}

/** Overwrites the first page of the index the index load reads with bytes that are no B-tree page. */
function damageIndexLoadTree (file: string): void {
  const db = new Database(file)
  const pageSize = db.pragma('page_size', { simple: true }) as number
  const root = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'entries_index_load'").pluck().get() as number
  db.pragma('journal_mode = DELETE')
  db.close()
  const fd = openSync(file, 'r+')
  writeSync(fd, Buffer.alloc(pageSize, 0xee), 0, pageSize, (root - 1) * pageSize)
  closeSync(fd)
}

t.test('an app whose index loaded: live, ready, healthy', async (t) => {
  const { app } = await buildTestApp(t)
  const port = await listen(app)
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, '/healthz 200')
  t.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200, '/readyz 200')
  const health = await healthcheck(port)
  t.equal(health.code, 0, 'the health command says healthy')
})

t.test('an app whose index failed to load: live, not ready, unhealthy', async (t) => {
  const dir = tempDir(t)
  const first = await buildTestApp(t, { dir })
  for (const n of ['07700 900101', '07700 900102', '07700 900103']) {
    t.equal((await first.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [n] }) })).statusCode, 201)
  }
  await first.app.close()
  damageIndexLoadTree(join(dir, 'upc-guard.db'))

  const { app } = await buildTestApp(t, { dir })
  const port = await listen(app)
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, '/healthz 200: the process answers')
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
  t.equal(ready.status, 503, '/readyz 503')
  t.same(await ready.json(), { status: 'unready' })
  const health = await healthcheck(port)
  t.equal(health.code, 1, 'the health command says unhealthy')
  t.match(health.out, /not ready: index not loaded/)
})

t.test('an app past its sync limit (fail-closed): not ready, but healthy: a restart cannot bring the hub back', async (t) => {
  // An upstream never reached: the copy's age is unknown, so past every limit.
  const { app } = await buildTestApp(t, {
    env: { UPC_UPSTREAM_URL: 'http://127.0.0.1:9', UPC_UPSTREAM_TOKEN: 'a93f0c7e2b5d4816f0e9c2a7' },
    fetch: async () => { throw new Error('no hub here') }
  })
  const port = await listen(app)
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
  t.equal(ready.status, 503, '/readyz 503: send checks elsewhere')
  t.equal(((await ready.json()) as { status: string }).status, 'stale')
  const health = await healthcheck(port)
  t.equal(health.code, 0, 'the health command says healthy')
  t.match(health.out, /stale/)
})

t.test('nobody answering: unhealthy', async (t) => {
  const { app } = await buildTestApp(t)
  const port = await listen(app)
  await app.close()
  const health = await healthcheck(port)
  t.equal(health.code, 1)
  t.match(health.out, /no answer/)
})
