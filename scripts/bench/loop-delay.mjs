// Preloaded into a server by scripts/bench/profile.ts: prints the event loop's delay histogram at exit,
// to tell a server that blocks its own loop from one that is only waiting for a core; and, to find
// what a long stall is, the stalls over 50 ms and the garbage collections over 20 ms, each with its
// time since start, so that one can be laid beside the other.
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { constants } from 'node:perf_hooks'
import { isMainThread, threadId } from 'node:worker_threads'
const h = monitorEventLoopDelay({ resolution: 5 })
h.enable()
const stalls = []
let last = performance.now()
setInterval(() => {
  const now = performance.now()
  if (now - last > 60) stalls.push(`${(last / 1000).toFixed(2)}s +${(now - last - 10).toFixed(0)} ms`)
  last = now
}, 10).unref()
const KINDS = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' }
const gcs = []
const gcTotals = {}
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = KINDS[entry.detail?.kind] ?? String(entry.detail?.kind)
    gcTotals[kind] = (gcTotals[kind] ?? [0, 0])
    gcTotals[kind][0]++
    gcTotals[kind][1] += entry.duration
    if (entry.duration > 20) gcs.push(`${(entry.startTime / 1000).toFixed(2)}s ${kind} ${entry.duration.toFixed(0)} ms`)
  }
}).observe({ entryTypes: ['gc'] })
process.on('exit', () => {
  const ms = (n) => (n / 1e6).toFixed(1)
  const who = isMainThread ? 'event loop' : `thread ${threadId}`
  process.stderr.write(`${who} delay: p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, p99.9 ${ms(h.percentile(99.9))} ms, max ${ms(h.max)} ms\n`)
  process.stderr.write(`  stalls over 50 ms: ${stalls.join(', ') || 'none'}\n`)
  process.stderr.write(`  GC: ${Object.entries(gcTotals).map(([k, [n, t]]) => `${k} ${n}x ${t.toFixed(0)} ms`).join(', ')}; over 20 ms: ${gcs.join(', ') || 'none'}\n`)
})
