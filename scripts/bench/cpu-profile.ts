/** Self time by function, by package or file, and inclusive time of our code, from a .cpuprofile (node --cpu-prof). */
import { readFileSync } from 'node:fs'
import { ROOT } from '../lib/daemon.js'

/** Self time by function from a .cpuprofile: the top lines. */
export function summarise (file: string, top = 40): string {
  const out: string[] = []
  const say = (line: string) => out.push(line)
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }>
    samples: number[]
    timeDeltas: number[]
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const inclusive = new Map<string, number>()
  const self = new Map<string, number>()
  const byFile = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    const frame = byId.get(id)?.callFrame
    if (frame === undefined) return
    const url = frame.url.replace(/^file:\/\//, '').replace(ROOT, '')
    const name = `${frame.functionName || '(anonymous)'} ${url}:${frame.lineNumber + 1}`
    self.set(name, (self.get(name) ?? 0) + dt)
    const where = url === '' ? frame.functionName : url.replace(/node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
    byFile.set(where, (byFile.get(where) ?? 0) + dt)
    total += dt
    // Inclusive time: every distinct function on the sample's stack, counted once.
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame
      if (f === undefined) break
      const u = f.url.replace(/^file:\/\//, '').replace(ROOT, '')
      const key = `${f.functionName || '(anonymous)'} ${u}:${f.lineNumber + 1}`
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt)
    }
  })
  const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)}%`
  say(`\nself time by package or file (${(total / 1e6).toFixed(1)} s sampled):`)
  for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 25)) say(`  ${pct(v)}  ${k}`)
  say('\nself time by function:')
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) say(`  ${pct(v)}  ${k}`)
  say('\ninclusive time, our code and the plugins (src/, fastify, @fastify, pino, better-sqlite3, ajv):')
  const ours = [...inclusive].filter(([k]) => /(src|dist)\/|node_modules\/(fastify|@fastify|pino|better-sqlite3|ajv|fast-json|find-my-way|avvio|secure-json)/.test(k))
  for (const [k, v] of ours.sort((a, b) => b[1] - a[1]).slice(0, top * 2)) say(`  ${pct(v)}  ${k}`)
  return out.join('\n')
}
