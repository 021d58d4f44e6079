import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

// The short version of scripts/soak.ts (the full one: `npm run soak`, 10 minutes; see docs/RELIABILITY.md).
// The same assertions as the long run but for time: latency is printed, never asserted.
t.test('30 s of mixed checks at 70% of the peak, with admin writes and syncs: no error, nothing lost, RSS flat', { timeout: 300_000 }, async (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/soak.ts', '--duration', '30', '--warmup', '9'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 280_000,
    env: { PATH: process.env.PATH ?? '' }
  })
  t.comment(run.stdout.split('\n').slice(-9).join('\n'))
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /^errors: 0, non-2xx: 0$/m)
  t.match(run.stdout, /^admin writes: [1-9]\d* \(errors 0\); syncs asked: [1-9]\d* \(errors 0\)/m, 'admin writes and syncs ran beside the checks')
  const audit = /^audit: (\d+) check records for (\d+) checks answered$/m.exec(run.stdout)
  t.ok(audit !== null && Number(audit[2]) > 0 && Number(audit[1]) >= Number(audit[2]), 'every answered check is in the audit trail')
  const rss = /growth (-?[\d.]+)% \(limit 15%\)/.exec(run.stdout)
  t.ok(rss !== null && Number(rss[1]) <= 15, 'RSS flat after warm-up')
  t.match(run.stdout, /^soak: PASS$/m)
})
