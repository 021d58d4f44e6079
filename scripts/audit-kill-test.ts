/**
 * The audit trail under SIGKILL: a daemon answering a stream of checks (batches of 100 and single
 * ones, some blocked) is killed with SIGKILL at a random moment while its audit thread writes
 * batches (0.6 to 1.8 s into its run), K times, and started again each time. After every kill the chain must verify with the
 * key (src/audit/chain.ts): every batch written whole, in a link, none in part. It also says how
 * many checks were answered and how many are in the trail: a kill loses at most the batch not yet
 * written (up to 200 ms of checks), never part of one.
 *
 *   npm run audit-kill-test -- --kills 20
 *
 * The daemon runs as production runs it (dist/server.js, built first when a source changed), so
 * that the checks' records go through the audit thread.
 * Prints a line a kill and the figures; exits 1 on any break.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { verifyChain } from '../src/audit/chain.js'
import { readKey } from '../src/services/key-file.js'
import { numberArg } from './lib/args.js'
import { ROOT, api, startDaemon } from './lib/daemon.js'

const KILLS = numberArg('kills', 20)
const ADMIN = 'audit-kill-admin-6d0e4b2f9a8c1735e2b4'
const say = (line: string) => process.stdout.write(`${line}\n`)

const dir = mkdtempSync(join(tmpdir(), 'upc-audit-kill-'))
const db = join(dir, 'hli.db')
const keyFile = join(dir, 'hli.key')
const env = {
  UPC_ESTABLISHMENT: 'HLI',
  UPC_DB: db,
  UPC_KEY_FILE: keyFile,
  UPC_TOKENS: JSON.stringify([{ name: 'admin', roles: ['admin', 'check'], token: ADMIN }])
}

/** Checks as fast as the daemon answers them, until it dies; how many it answered. */
async function checkUntilKilled (base: string): Promise<number> {
  let answered = 0
  const one = async (i: number): Promise<void> => {
    for (let n = i; ; n += 4) {
      const phone = `07700 900${String(n % 1000).padStart(3, '0')}`
      try {
        if (n % 2 === 0) {
          const items = Array.from({ length: 100 }, (_, k) => ({ channel: 'phone', prisoner: 'A1234BC', phone: `07700 900${String((n + k) % 1000).padStart(3, '0')}` }))
          const res = await api(base, ADMIN, 'POST', '/v1/check/batch', { items })
          if (res.status === 200) answered += 100
        } else {
          const res = await api(base, ADMIN, 'POST', '/v1/check', { channel: 'phone', prisoner: 'A1234BC', phone })
          if (res.status === 200) answered++
        }
      } catch {
        return
      }
    }
  }
  await Promise.all([0, 1, 2, 3].map(one))
  return answered
}

function trail (): { ok: boolean, rows: number, links: number, problem: string } {
  const store = new Database(db, { readonly: true })
  try {
    const report = verifyChain(store, readKey(keyFile) as Buffer)
    return { ok: report.ok, rows: report.rows, links: report.links, problem: report.broken === null ? '' : `${report.broken.problem}: ${report.broken.message}` }
  } finally {
    store.close()
  }
}

async function main (): Promise<void> {
  const build = spawnSync(process.execPath, ['scripts/build-if-changed.mjs'], { cwd: ROOT, stdio: 'inherit' })
  if (build.status !== 0) throw new Error('the build failed')
  // One entry, so that some checks block and name it.
  const first = await startDaemon(env, { built: true })
  await api(first.base, ADMIN, 'POST', '/v1/entries', { scope: 'establishment', establishment: 'HLI', phones: ['07700 900007'], reason: 'audit kill test' })
  first.child.kill('SIGTERM')
  await first.exited
  let answered = 0
  let breaks = 0
  for (let cycle = 1; cycle <= KILLS; cycle++) {
    const daemon = await startDaemon(env, { built: true })
    const load = checkUntilKilled(daemon.base)
    await new Promise((resolve) => setTimeout(resolve, 600 + Math.random() * 1200))
    daemon.child.kill('SIGKILL')
    await daemon.exited
    answered += await load
    const { ok, rows, links, problem } = trail()
    if (!ok) breaks++
    say(`kill ${cycle}/${KILLS}: chain ${ok ? 'verifies' : `BROKEN (${problem})`}: ${rows} rows in ${links} links; ${answered} checks answered so far`)
  }
  const { ok, rows } = trail()
  say(`checks answered: ${answered}; rows in the trail: ${rows} (one entry's create; the rest checks)`)
  say(`breaks: ${breaks + (ok ? 0 : 1)}`)
  rmSync(dir, { recursive: true, force: true })
  process.exit(breaks === 0 && ok ? 0 : 1)
}

main().catch((err: unknown) => {
  process.stderr.write(`audit kill test failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
