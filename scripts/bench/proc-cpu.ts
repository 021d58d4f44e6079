/** A process's CPU time from /proc (Linux): less sensitive to what else runs on the machine than req/s. */
import { readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100 // USER_HZ on Linux

/** User and system CPU seconds so far of a process's main thread (its event loop), or of all its threads. */
export function cpuOf (pid: number, whole = false): { user: number, sys: number } {
  try {
    const fields = readFileSync(whole ? `/proc/${pid}/stat` : `/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return { user: Number(fields[11]) / TICKS_PER_SECOND, sys: Number(fields[12]) / TICKS_PER_SECOND }
  } catch {
    return { user: NaN, sys: NaN } // not Linux: the figures say so
  }
}

/**
 * Runs `work` and returns its result with CPU microseconds a request meanwhile: the server's (process
 * `pid`) event loop and all its threads, and this process's (the load generator, autocannon, which
 * shares the machine's cores with the server).
 */
export async function perRequestCpu<T extends { requests: number }> (pid: number | undefined, work: () => Promise<T>): Promise<T & { cpuUs: { loop: number, all: number, client: number } }> {
  const at = (whole: boolean) => {
    const cpu = pid === undefined ? { user: NaN, sys: NaN } : cpuOf(pid, whole)
    return cpu.user + cpu.sys
  }
  const before = [at(false), at(true)]
  const client = process.cpuUsage()
  const result = await work()
  const clientUsed = process.cpuUsage(client)
  const us = (seconds: number) => (seconds * 1e6) / Math.max(1, result.requests)
  return { ...result, cpuUs: { loop: us(at(false) - (before[0] as number)), all: us(at(true) - (before[1] as number)), client: us((clientUsed.user + clientUsed.system) / 1e6) } }
}
