/**
 * The daemon's own time from a check request to its decision, read from its log: every
 * `/v1/check` line carries `ms`, measured inside the daemon. Beside autocannon's latency, which runs
 * from the client's write to its read of the answer, it tells time spent deciding from time spent
 * queueing in sockets and in the client.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { percentile } from '../lib/percentile.js'

export interface DecisionTimes { lines: number, p50: number, p99: number, p999: number, max: number }

/** The log's size now: where the lines of the next run start. */
export const logOffset = (file: string): number => statSync(file).size

/** Percentiles of `ms` over the check lines written to `file` after byte `from`. */
export function decisionTimes (file: string, from: number): DecisionTimes {
  const size = statSync(file).size
  const buffer = Buffer.alloc(Math.max(0, size - from))
  const fd = openSync(file, 'r')
  try {
    readSync(fd, buffer, 0, buffer.length, from)
  } finally {
    closeSync(fd)
  }
  const ms: number[] = []
  for (const line of buffer.toString('utf8').split('\n')) {
    if (!line.includes('"route":"/v1/check"')) continue
    try {
      const value = (JSON.parse(line) as { ms?: unknown }).ms
      if (typeof value === 'number') ms.push(value)
    } catch { /* a line cut at the end of the read: the next read has it whole */ }
  }
  ms.sort((a, b) => a - b)
  return { lines: ms.length, p50: percentile(ms, 0.5), p99: percentile(ms, 0.99), p999: percentile(ms, 0.999), max: percentile(ms, 1) }
}
