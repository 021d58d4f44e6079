/** One autocannon run on loopback, reduced to the figures the report prints. */
import autocannon from 'autocannon'
import type { DecisionTimes } from './decision-times.js'

export interface LoadResult {
  reqPerSec: number, p50: number, p99: number, p999: number, errors: number, non2xx: number, requests: number
  /**
   * CPU microseconds a request: the server's event loop's thread, all its threads, and the load
   * generator's (this process; absent in results written before it was measured)
   */
  cpuUs?: { loop: number, all: number, client?: number }
  /** upc-guard's own time from each check request to its decision, from its log (decision-times.ts) */
  decision?: DecisionTimes
}

export interface LoadOptions {
  url: string
  connections: number
  pipelining: number
  durationSeconds: number
  headers?: Record<string, string>
  /** request bodies, cycled through in order */
  bodies: string[]
  path?: string
}

export async function load (options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: options.pipelining,
    duration: options.durationSeconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: options.bodies.map((body) => ({ method: 'POST', path: options.path ?? '/v1/check', body })),
    // A bounded run on this machine's loopback only: it stops by itself after the duration.
    timeout: 10
  })
  const latency = result.latency as unknown as Record<string, number>
  return {
    reqPerSec: result.requests.average,
    p50: latency.p50 ?? 0,
    p99: latency.p99 ?? 0,
    p999: latency.p99_9 ?? 0,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total
  }
}
