/** Helpers for scripts that run real daemons as child processes on loopback ports. */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export interface Daemon { child: ChildProcess, base: string, exited: Promise<number | null> }

/**
 * Starts src/server.ts (through tsx) with the given environment and waits until /healthz answers;
 * with `built`, the daemon as production runs it (dist/server.js, after a build): tsx's esbuild keeps
 * function names with a call a closure, which a benchmark should not count.
 */
export async function startDaemon (port: number, env: Record<string, string>, options: { built?: boolean, nodeArgs?: readonly string[], logFile?: string } = {}): Promise<Daemon> {
  // The daemon's log (its stdout) to a file when asked, else nowhere.
  const log = options.logFile === undefined ? null : openSync(options.logFile, 'a')
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...(options.built === true ? ['dist/server.js'] : ['--import', 'tsx', 'src/server.ts'])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', UPC_LOG_LEVEL: 'error', UPC_PORT: String(port), ...env },
    stdio: ['ignore', log ?? 'ignore', 'inherit']
  })
  if (log !== null) closeSync(log)
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`daemon exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base, exited }
    } catch { /* not yet listening */ }
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
