import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { auth, buildTestApp, tempDir, writeKeyFiles } from '../helper.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

const NDJSON = [
  JSON.stringify({ scope: 'establishment', phones: ['07700 900901'], reason: 'Imported block' }),
  JSON.stringify({ scope: 'prisoner', reason: 'No prisoner given', phones: ['07700 900902'] }),
  '{"scope": "establishment", ',
  '',
  JSON.stringify({ scope: 'national', emails: ['imported.person@example.org'], addresses: ['3 Laburnum Grove, Hull HU1 2AB'], reason: 'Imported national block' }),
  JSON.stringify({ scope: 'establishment', phones: ['07700 900903'], reason: 'Bad field', colour: 'red' }),
  JSON.stringify({ scope: 'establishment', phones: ['12 34'], reason: 'Unparsed number' })
].join('\n')

const CSV = [
  'scope,prisoner,phones,emails,addresses,reason,requestRef,consent',
  'establishment,,07700 900911;07700 900912,,,"Imported from CSV, two numbers",UPC-2026-000911,yes',
  'prisoner,A1234BC,,csv.person@example.org,"Flat 2, 14 Acacia Avenue, Leeds LS1 4AP|5 Privet Drive, Leeds LS2 7AB",Imported prisoner block,,no',
  'prisoner,,07700 900913,,,Missing prisoner,,'
].join('\n')

function runImport (env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', ...env }
  })
}

t.test('NDJSON: good rows go in together, bad rows are reported by number', async (t) => {
  const dir = tempDir(t)
  writeKeyFiles(dir) // the CLI and the test app must share the store's keys
  const file = join(dir, 'entries.ndjson')
  writeFileSync(file, NDJSON)
  const env = { UPC_DB: join(dir, 'upc-guard.db'), UPC_ESTABLISHMENT: 'HLI' }
  const run = runImport(env, file, '--actor', 'bulk-load')
  t.equal(run.status, 1, 'some rows were rejected')
  t.match(run.stdout, /^row 2: rejected: prisoner is required for scope prisoner$/m)
  t.match(run.stdout, /^row 3: rejected: not valid JSON$/m)
  t.match(run.stdout, /^row 6: rejected: row has a field that is not allowed: colour; allowed: [a-zA-Z, ]*phones[a-zA-Z, ]*$/m)
  t.match(run.stdout, /^row 7: warning: phones\[0\] could not be read as a phone number/m)
  t.match(run.stdout, /6 rows read .*; 3 imported into .*; 3 rejected$/m)
  t.notMatch(run.stdout, /7700|imported\.person|Laburnum/, 'no contact detail in the report')

  const { app } = await buildTestApp(t, { dir, env })
  const list = (await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })).json()
  t.equal(list.total, 3)
  t.same(list.items.map((e: { createdBy: string }) => e.createdBy), ['bulk-load', 'bulk-load', 'bulk-load'])
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'mail', prisoner: 'A1234BC', address: '3 laburnum grove hull hu12ab' } })
  t.equal(check.json().decision, 'block')
  const audit = (await app.inject({ method: 'GET', url: '/v1/audit?action=entry.create', headers: auth('admin') })).json().items
  t.equal(audit.length, 3, 'each imported entry is audited')
})

t.test('CSV with --strict: one bad row and nothing goes in; without it, the good rows do', async (t) => {
  const dir = tempDir(t)
  writeKeyFiles(dir) // the CLI and the test app must share the store's keys
  const file = join(dir, 'entries.csv')
  writeFileSync(file, CSV)
  const env = { UPC_DB: join(dir, 'upc-guard.db'), UPC_ESTABLISHMENT: 'HLI' }
  const strict = runImport(env, file, '--strict')
  t.equal(strict.status, 1)
  t.match(strict.stdout, /^row 4: rejected: prisoner is required for scope prisoner$/m)
  t.match(strict.stdout, /0 imported .*--strict: nothing imported/)
  const loose = runImport(env, file)
  t.match(loose.stdout, /3 rows read .*; 2 imported/)

  const { app } = await buildTestApp(t, { dir, env })
  const entries = (await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })).json()
  t.equal(entries.total, 2, 'the strict run left nothing behind')
  const csvEntry = entries.items.find((e: { requestRef: string | null }) => e.requestRef === 'UPC-2026-000911')
  t.same(csvEntry.phones, ['07700 900911', '07700 900912'])
  t.equal(csvEntry.consent, true)
  const other = entries.items.find((e: { scope: string }) => e.scope === 'prisoner')
  t.equal(other.addresses.length, 2)
  t.equal(other.consent, false)
})

t.test('a running daemon sees what the import wrote without a restart', async (t) => {
  const dir = tempDir(t)
  writeKeyFiles(dir) // the CLI and the test app must share the store's keys
  const env = { UPC_DB: join(dir, 'upc-guard.db'), UPC_ESTABLISHMENT: 'HLI' }
  const { app } = await buildTestApp(t, { dir, env })
  await app.ready()
  const check = async () => (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700900901' } })).json().decision
  t.equal(await check(), 'allow')
  const file = join(dir, 'one.ndjson')
  writeFileSync(file, JSON.stringify({ scope: 'establishment', phones: ['07700 900901'], reason: 'Imported while running' }))
  t.equal(runImport(env, file).status, 0)
  let seen = 'allow'
  for (let i = 0; i < 100 && seen !== 'block'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    seen = await check()
  }
  t.equal(seen, 'block', 'the index watch reloaded the index')
})

t.test('an imported reason is read as the API reads it: personal data refuses the row, by number, not echoed', async (t) => {
  const dir = tempDir(t)
  writeKeyFiles(dir)
  const file = join(dir, 'entries.ndjson')
  writeFileSync(file, [
    JSON.stringify({ scope: 'establishment', phones: ['07700 900921'], protectedPerson: 'Jane Doe', reason: 'Jane Doe asked for no contact' }),
    JSON.stringify({ scope: 'establishment', phones: ['07700 900922'], reason: 'Victim lives at Flat 2, 14 Acacia Avenue, Leeds LS1 4AP' }),
    JSON.stringify({ scope: 'establishment', phones: ['07700 900923'], reason: 'Harassment since 2019, see case 4412' })
  ].join('\n'))
  const run = runImport({ UPC_DB: join(dir, 'upc-guard.db'), UPC_ESTABLISHMENT: 'HLI' }, file)
  t.match(run.stdout, /^row 1: rejected: reason: must not hold .*\(it holds what reads as the protected person's name\)/m)
  t.match(run.stdout, /^row 2: rejected: reason: must not hold .*\(it holds what reads as a postcode\)/m)
  t.match(run.stdout, /3 rows read .*; 1 imported into .*; 2 rejected$/m)
  t.notMatch(run.stdout, /Jane Doe|Acacia|LS1/, 'the reasons are not echoed')
})
