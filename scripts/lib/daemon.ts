/** Helpers for scripts that run real daemons as child processes on loopback ports. */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The line src/server.ts prints on stderr once it listens on a port the system chose (UPC_PORT=0). */
const LISTENING = /^upc-guard is listening on http:\/\/[^\s]*:(\d+)$/m

/**
 * Resolves with the port a daemon started with UPC_PORT=0 printed on its stderr, or rejects when it
 * exits first. Every byte of its stderr still goes on to ours.
 */
export async function boundPort (child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = ''
    let found = false
    const onData = (chunk: Buffer) => {
      process.stderr.write(chunk)
      if (found) return
      seen += chunk.toString()
      const port = LISTENING.exec(seen)?.[1]
      if (port === undefined) return
      found = true
      child.off('exit', onExit)
      resolve(Number(port))
    }
    const onExit = (code: number | null) => reject(new Error(`daemon exited with ${code ?? 'a signal'} before it listened`))
    child.stderr?.on('data', onData)
    child.once('exit', onExit)
  })
}

export interface Daemon { child: ChildProcess, base: string, port: number, exited: Promise<number | null> }

/**
 * Starts src/server.ts (through tsx) with the given environment on a port the system chooses
 * (UPC_PORT=0, read back from the daemon itself, so no other process can take it in between) and
 * waits until /healthz answers; with `built`, the daemon as production runs it (dist/server.js,
 * after a build): tsx's esbuild keeps function names with a call a closure, which a benchmark
 * should not count.
 */
export async function startDaemon (env: Record<string, string>, options: { built?: boolean, nodeArgs?: readonly string[], logFile?: string } = {}): Promise<Daemon> {
  // The daemon's log (its stdout) to a file when asked, else nowhere.
  const log = options.logFile === undefined ? null : openSync(options.logFile, 'a')
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...(options.built === true ? ['dist/server.js'] : ['--import', 'tsx', 'src/server.ts'])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', UPC_LOG_LEVEL: 'error', ...env, UPC_PORT: '0' },
    stdio: ['ignore', log ?? 'ignore', 'pipe']
  })
  if (log !== null) closeSync(log)
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const port = await boundPort(child)
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`daemon exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base, port, exited }
    } catch { /* not yet answering */ }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('daemon did not start')
}

export async function api (base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number, json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { status: res.status, json: await res.json() }
}
