/**
 * The container's health command (Dockerfile HEALTHCHECK): asks /readyz on 127.0.0.1:UPC_PORT
 * (default 8080) and exits 0 for healthy, 1 for unhealthy.
 *
 * Docker has one health state where Kubernetes has two probes, and what restarts on "unhealthy"
 * (Swarm, an autoheal sidecar) or waits for "healthy" (compose depends_on) needs it to mean "this
 * container serves checks, or restarting it cannot help":
 *   healthy    /readyz 200 (ready, or degraded: answering from a copy older than warnAfter)
 *              /readyz 503 "stale": past failAfter, fail-closed; the hub is out of reach and a
 *              restart would not bring it back (checks answer unavailable until a sync succeeds)
 *   unhealthy  /readyz 503 "unready": the index did not load, every check answers unavailable
 *              /readyz 503 "key_rotated": the store was re-sealed under a new data key; only a
 *              restart (which loads it) lets the daemon write again
 *              no answer within 2.5 s, or any other answer
 * Plain JavaScript, so the production image runs it without a build step.
 */
const port = process.env.UPC_PORT ?? '8080'
const say = (line) => process.stdout.write(`${line}\n`)

try {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2500) })
  const body = await res.json().catch(() => ({}))
  if (res.status === 200) {
    say(`healthy: ${body.status ?? 'ready'}`)
    process.exit(0)
  }
  if (res.status === 503 && body.status === 'stale') {
    say('healthy: stale (past sync.failAfterSeconds; checks answer unavailable until a sync succeeds)')
    process.exit(0)
  }
  const why = { unready: 'not ready: index not loaded', key_rotated: 'the store\'s data key was rotated: restart to load it' }
  say(res.status === 503 && typeof why[body.status] === 'string' ? `unhealthy: ${why[body.status]}` : `unhealthy: /readyz answered ${res.status}`)
  process.exit(1)
} catch {
  say(`unhealthy: no answer from 127.0.0.1:${port}`)
  process.exit(1)
}
