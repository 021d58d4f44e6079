import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { auth, buildTestApp, entryBody, tempDir, writeKeyFiles } from '../helper.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('indexVersion never goes back: a reload after the import CLI numbers on from the index it replaces', async (t) => {
  const dir = tempDir(t)
  writeKeyFiles(dir) // the CLI and the daemon share the store's keys
  const env = { UPC_DB: join(dir, 'upc-guard.db'), UPC_ESTABLISHMENT: 'HLI' }
  const { app } = await buildTestApp(t, { dir, env })
  await app.ready() // starts the index watch
  const ready = async () => (await app.inject({ method: 'GET', url: '/readyz' })).json() as { indexVersion: number, entries: number }
  t.equal((await ready()).indexVersion, 1, 'the load at start is version 1')
  for (const phone of ['07700 900501', '07700 900502']) {
    t.equal((await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [phone] }) })).statusCode, 201)
  }
  t.same(await ready(), { status: 'ready', indexVersion: 3, entries: 2, staleness: 'fresh', heldRemovals: 0 }, 'one step a write: 1 + 2')

  const file = join(dir, 'entries.ndjson')
  writeFileSync(file, JSON.stringify({ scope: 'establishment', phones: ['07700 900503'], reason: 'Imported block' }))
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', file], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', ...env }
  })
  t.equal(run.status, 0, run.stdout + run.stderr)
  // The watch looks every 2 s (src/jobs/index-watch.ts): wait for its reload, 60 looks at most.
  let seen = await ready()
  for (let i = 0; i < 60 && seen.entries !== 3; i++) {
    await sleep(100)
    seen = await ready()
  }
  t.equal(seen.entries, 3, 'the watch reloaded the index with the imported entry')
  t.equal(seen.indexVersion, 4, 'the reload is one more step after 3, not a new count from 1')
})
