import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'

const ROOT = new URL('..', import.meta.url).pathname

interface Daemon { child: ChildProcess, stderr: () => string, exited: Promise<number | null> }

/** The real shell (src/server.ts) in a child process, as `npm start` runs it but without the build. */
function startDaemon (env: Record<string, string>): Daemon {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', UPC_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, stderr: () => stderr, exited }
}

/**
 * Waits until the daemon, started on UPC_PORT=0, has printed the port the system gave it and
 * answers /healthz there; returns its base URL.
 */
async function waitUntilUp (daemon: Daemon): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const port = /^upc-guard is listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(daemon.stderr())?.[1]
    if (port !== undefined) {
      const base = `http://127.0.0.1:${port}`
      try {
        if ((await fetch(`${base}/healthz`)).ok) return base
      } catch { /* not answering yet */ }
    }
    if (daemon.child.exitCode !== null) throw new Error(`daemon exited: ${daemon.stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('daemon did not start')
}

t.test('a real listening daemon: first-start token, a block that survives a restart, clean SIGTERM', async (t) => {
  const dir = t.testdir()
  const env = { UPC_PORT: '0', UPC_DB: join(dir, 'upc-guard.db'), UPC_ESTABLISHMENT: 'HLI' }

  const first = startDaemon(env)
  t.teardown(() => { first.child.kill('SIGKILL') })
  let base = await waitUntilUp(first)
  const token = /^ {2}([A-Za-z0-9_-]{40,})$/m.exec(first.stderr())?.[1]
  t.ok(token, 'the first start prints an admin token once')
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

  const created = await fetch(`${base}/v1/entries`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ scope: 'establishment', phones: ['07700 900123'], reason: 'Victim asked for no contact' })
  })
  t.equal(created.status, 201)
  const check = async () => (await fetch(`${base}/v1/check/phone?prisoner=A1234BC&number=%2B447700900123`, { headers })).json() as Promise<{ decision: string }>
  t.equal((await check()).decision, 'block', 'blocked within the same second')

  first.child.kill('SIGTERM')
  t.equal(await first.exited, 0, 'SIGTERM drains and exits 0')

  const second = startDaemon(env)
  t.teardown(() => { second.child.kill('SIGKILL') })
  base = await waitUntilUp(second)
  t.notMatch(second.stderr(), /token is shown/, 'no second token on a later start')
  t.equal((await check()).decision, 'block', 'the block survives the restart on the same database')
  const ready = await fetch(`${base}/readyz`)
  t.equal(ready.status, 200)

  second.child.kill('SIGINT')
  t.equal(await second.exited, 0, 'SIGINT too')
})

t.test('a bad configuration stops start-up with one line naming the key', async (t) => {
  const dir = t.testdir()
  const daemon = startDaemon({ UPC_PORT: 'eighty', UPC_DB: join(dir, 'x.db') })
  const code = await daemon.exited
  t.equal(code, 2)
  t.equal(daemon.stderr().trim(), 'invalid configuration: port must be integer (UPC_CONFIG file or UPC_PORT)')
})

t.test('a plain http:// upstream on another host stops start-up with one line naming the key', async (t) => {
  const dir = t.testdir()
  const daemon = startDaemon({ UPC_PORT: '0', UPC_DB: join(dir, 'x.db'), UPC_UPSTREAM_URL: 'http://hub.example.org:8081', UPC_UPSTREAM_TOKEN: 'c41e9a7f0b3d58e2a6f1c9d4' })
  t.teardown(() => { daemon.child.kill('SIGKILL') })
  t.equal(await daemon.exited, 2)
  t.equal(daemon.stderr().trim(), 'invalid configuration: upstream.url must be https:// unless its host is this machine (127.0.0.0/8, ::1, localhost); on a test network, upstream.allowInsecureHttp allows plain http (UPC_CONFIG file or UPC_UPSTREAM_URL)')
})
