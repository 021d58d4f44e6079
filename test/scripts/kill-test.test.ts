import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

// The short version of scripts/kill-test.ts (the full one: 20,000 entries, 20 kills; see docs/SYNC.md).
t.test('an establishment killed with SIGKILL mid-sync loses nothing', async (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/kill-test.ts', '--entries', '1500', '--kills', '4', '--page-size', '100'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? '' }
  })
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /kill 4\/4: establishment held \d+ hub entries/)
  t.match(run.stdout, /missing: 0, wrong status: 0, extra: 0, twice: 0, cursor (\d+) vs hub \1/)
  t.match(run.stdout, /^losses: 0$/m)
})
