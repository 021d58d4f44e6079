// The shell as an operator meets it: log lines that arrive while the daemon runs, the first-admin
// token shown only once the daemon listens, and a new admin token made on the host.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { tempDir } from './helper.js'

const ROOT = new URL('..', import.meta.url).pathname

interface Daemon { child: ChildProcess, stdout: () => string, stderr: () => string, exited: Promise<number | null> }

function startDaemon (env: Record<string, string>): Daemon {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', UPC_HOST: '127.0.0.1', UPC_PORT: '0', UPC_ESTABLISHMENT: 'HLI', UPC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

/** Polls `find` every 50 ms while the daemon runs; the bound is for start-up on a busy machine. */
async function waitFor<T> (daemon: Daemon, find: () => T | null | undefined, what: string, seconds = 60): Promise<T> {
  for (let i = 0; i < seconds * 20; i++) {
    const found = find()
    if (found !== null && found !== undefined) return found
    if (daemon.child.exitCode !== null) throw new Error(`daemon exited before ${what}: ${daemon.stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no ${what}`)
}

const TOKEN = /^ {2}([A-Za-z0-9_-]{40,})$/m
const LISTENING = /upc-guard is listening on (http:\/\/127\.0\.0\.1:\d+)/

t.test('log lines reach stdout while the daemon runs, and the token is shown once it listens', async (t) => {
  const dir = tempDir(t)
  const daemon = startDaemon({ UPC_DB: join(dir, 'upc-guard.db') })
  t.teardown(() => { daemon.child.kill('SIGKILL') })
  const base = await waitFor(daemon, () => LISTENING.exec(daemon.stderr())?.[1], 'listening line')
  const token = await waitFor(daemon, () => TOKEN.exec(daemon.stderr())?.[1], 'token')
  // the start-up lines are on stdout while the daemon is still running, not only at its stop
  await waitFor(daemon, () => /"msg":"Server listening at/.exec(daemon.stdout()), 'start-up log line', 5)
  const res = await fetch(`${base}/v1/check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' })
  })
  t.equal(res.status, 200)
  const line = await waitFor(daemon, () => daemon.stdout().split('\n').find((l) => l.includes('"route":"/v1/check"')), 'the check\'s line', 5)
  t.match(line, /"decision":"allow"/, 'the check\'s own line arrived while the daemon runs')
  daemon.child.kill('SIGTERM')
  t.equal(await daemon.exited, 0)
})

t.test('a start that cannot listen shows no token and keeps no client; the next start shows one', async (t) => {
  const dir = tempDir(t)
  const db = join(dir, 'upc-guard.db')
  const taken: Server = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { taken.close() })
  const address = taken.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0

  const failed = startDaemon({ UPC_DB: db, UPC_PORT: String(port) })
  t.teardown(() => { failed.child.kill('SIGKILL') })
  t.not(await failed.exited, 0, 'the port is in use: the start fails')
  t.notMatch(failed.stderr(), TOKEN, 'no token was shown')
  const store = new Database(db, { readonly: true })
  t.equal((store.prepare('SELECT count(*) AS n FROM clients').get() as { n: number }).n, 0, 'and none was kept')
  store.close()

  const next = startDaemon({ UPC_DB: db })
  t.teardown(() => { next.child.kill('SIGKILL') })
  await waitFor(next, () => TOKEN.exec(next.stderr())?.[1], 'token on the next start')
  next.child.kill('SIGTERM')
  t.equal(await next.exited, 0)
})

t.test('npm run admin-token makes an admin token on the host, audited; refused while clients are configured', async (t) => {
  const dir = tempDir(t)
  const db = join(dir, 'upc-guard.db')
  const made = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/admin-token.ts'), '--name', 'ops-night'], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', UPC_DB: db, UPC_ESTABLISHMENT: 'HLI' }, encoding: 'utf8'
  })
  t.equal(made.status, 0, made.stderr)
  const token = TOKEN.exec(made.stdout)?.[1]
  t.type(token, 'string', 'the token is printed')
  t.match(made.stdout, /Restart the daemon/)

  const again = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/admin-token.ts'), '--name', 'ops-night'], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', UPC_DB: db, UPC_ESTABLISHMENT: 'HLI' }, encoding: 'utf8'
  })
  t.equal(again.status, 2)
  t.match(again.stderr, /a client named ops-night exists already/)

  const configured = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/admin-token.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', UPC_DB: db, UPC_ESTABLISHMENT: 'HLI', UPC_TOKENS: JSON.stringify([{ name: 'mail', roles: ['check'], token: 'f3b1c9d27a6e4085b2d9c1e7a4f60b38' }]) },
    encoding: 'utf8'
  })
  t.equal(configured.status, 2)
  t.match(configured.stderr, /clients are configured/)

  const daemon = startDaemon({ UPC_DB: db })
  t.teardown(() => { daemon.child.kill('SIGKILL') })
  const base = await waitFor(daemon, () => /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(daemon.stdout())?.[1], 'listening')
  t.notMatch(daemon.stderr(), TOKEN, 'a stored client exists: no first-admin')
  const entries = await fetch(`${base}/v1/entries`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(entries.status, 200, 'the new token admits an admin')
  const audit = await (await fetch(`${base}/v1/audit?action=client.create`, { headers: { authorization: `Bearer ${token}` } })).json() as { items: Array<{ actor: string, detail: { name: string } }> }
  t.equal(audit.items[0]?.actor, 'host')
  t.equal(audit.items[0]?.detail.name, 'ops-night')
  t.notMatch(JSON.stringify(audit), token as string, 'the token is not in the audit trail')
  daemon.child.kill('SIGTERM')
  t.equal(await daemon.exited, 0)
})
