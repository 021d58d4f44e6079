/** The benchmark's table, printed and written into docs/PERFORMANCE.md between its markers. */
import { readFileSync, writeFileSync } from 'node:fs'
import type { InProcessResult } from './in-process.js'
import type { LoadResult } from './load.js'

export interface BenchResult {
  when: string
  command: string
  machine: { cpus: number, model: string, memoryGiB: number, node: string }
  entries: number
  details: number
  fillSeconds: number
  indexBuild: { seconds: number, entries: number, keys: number, peakRssMiB: number, heapUsedMiB: number }
  inProcess: InProcessResult[]
  http: Array<{ pipelining: number, baseline: LoadResult[], ours: LoadResult[] }>
  batch: { itemsPerRequest: number, cpuUsPerCheck?: number, requestsPerSec: number, checksPerSec: number, singleReqPerSec: number, ratio: number }
  sync: { entries: number, seconds: number, entriesPerSec: number, checksDuring: LoadResult | null }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)
const f0 = (n: number) => Math.round(n).toLocaleString('en-GB')
const f1 = (n: number) => n.toFixed(1)
const f2 = (n: number) => n.toFixed(2)

export function table (r: BenchResult): string {
  const lines: string[] = []
  lines.push(`Machine: ${r.machine.cpus} cores (${r.machine.model}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}. ${r.when}.`)
  lines.push(`Command: \`${r.command}\``)
  lines.push('')
  lines.push(`Index: ${f0(r.entries)} entries, ${f0(r.details)} contact details, ${f0(r.indexBuild.keys)} keys; built from the store in ${f2(r.indexBuild.seconds)} s, peak RSS ${f0(r.indexBuild.peakRssMiB)} MiB (heap ${f0(r.indexBuild.heapUsedMiB)} MiB). Store filled in ${f1(r.fillSeconds)} s.`)
  lines.push('')
  lines.push('| one check in process (normalise + look up) | checks | blocked | median | p99 |')
  lines.push('| --- | ---: | ---: | ---: | ---: |')
  for (const k of r.inProcess) lines.push(`| ${k.kind} | ${f0(k.checks)} | ${f0(k.blocked)} | ${f1(k.medianUs)} us | ${f1(k.p99Us)} us |`)
  lines.push('')
  lines.push('| HTTP, 50 connections | run | req/s | p50 ms | p99 ms | p99.9 ms | errors, non-2xx | CPU a request: server event loop, all server threads; load generator | upc-guard\'s own time to decide: p99, p99.9, max ms |')
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  const cpu = (l: LoadResult) => (l.cpuUs === undefined ? '' : `${f0(l.cpuUs.loop)} us, ${f0(l.cpuUs.all)} us${l.cpuUs.client === undefined ? '' : `; ${f0(l.cpuUs.client)} us`}`)
  const own = (l: LoadResult) => (l.decision === undefined ? '' : `${f2(l.decision.p99)}, ${f2(l.decision.p999)}, ${f1(l.decision.max)}`)
  for (const h of r.http) {
    h.baseline.forEach((b, i) => {
      const o = h.ours[i] as LoadResult
      lines.push(`| pipelining ${h.pipelining} | baseline ${i + 1} | ${f0(b.reqPerSec)} | ${b.p50} | ${b.p99} | ${b.p999} | ${b.errors}, ${b.non2xx} | ${cpu(b)} | |`)
      lines.push(`| pipelining ${h.pipelining} | upc-guard ${i + 1} | ${f0(o.reqPerSec)} | ${o.p50} | ${o.p99} | ${o.p999} | ${o.errors}, ${o.non2xx} | ${cpu(o)} | ${own(o)} |`)
    })
    const throughput = mean(h.ours.map((o) => o.reqPerSec)) / mean(h.baseline.map((b) => b.reqPerSec))
    const p99 = mean(h.ours.map((o) => o.p99)) / Math.max(0.001, mean(h.baseline.map((b) => b.p99)))
    const loop = mean(h.ours.map((o) => o.cpuUs?.loop ?? NaN)) / mean(h.baseline.map((b) => b.cpuUs?.loop ?? NaN))
    lines.push(`| pipelining ${h.pipelining} | **ours / baseline** | **${(throughput * 100).toFixed(0)}%** | | **${f2(p99)}x** | | | ${Number.isNaN(loop) ? '' : `${f2(loop)}x`} | |`)
  }
  lines.push('')
  lines.push(`Batch: ${r.batch.itemsPerRequest} checks a request, ${f0(r.batch.requestsPerSec)} req/s = **${f0(r.batch.checksPerSec)} checks/s**, ${f1(r.batch.ratio)} times the single-check ${f0(r.batch.singleReqPerSec)} req/s` +
    (r.batch.cpuUsPerCheck === undefined ? '.' : `; ${f1(r.batch.cpuUsPerCheck)} us of the event loop's CPU a check.`))
  lines.push('')
  const during = r.sync.checksDuring
  lines.push(`Sync: ${f0(r.sync.entries)} entries applied from the hub into an empty establishment in ${f2(r.sync.seconds)} s = **${f0(r.sync.entriesPerSec)} entries/s**` +
    (during === null ? '.' : `; checks answered meanwhile: ${f0(during.requests)} at p99 ${during.p99} ms (p99.9 ${during.p999} ms).`))
  return lines.join('\n')
}

const START = '<!-- bench:start -->'
const END = '<!-- bench:end -->'

export function updatePerformanceDoc (file: string, body: string): void {
  const text = readFileSync(file, 'utf8')
  const at = text.indexOf(START)
  const end = text.indexOf(END)
  if (at === -1 || end === -1) throw new Error(`${file} has no ${START} ... ${END} markers`)
  writeFileSync(file, `${text.slice(0, at + START.length)}\n${body}\n${text.slice(end)}`)
}
