// Preloaded into a server by scripts/bench/profile.ts: prints the event loop's delay histogram at exit,
// to tell a server that blocks its own loop from one that is only waiting for a core.
import { monitorEventLoopDelay } from 'node:perf_hooks'
const h = monitorEventLoopDelay({ resolution: 5 })
h.enable()
process.on('exit', () => {
  const ms = (n) => (n / 1e6).toFixed(1)
  process.stderr.write(`event loop delay: p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, p99.9 ${ms(h.percentile(99.9))} ms, max ${ms(h.max)} ms\n`)
})
