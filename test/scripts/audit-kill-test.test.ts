import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
// Twenty daemon starts: past the usual file timeout.
t.setTimeout(400_000)

t.test('a daemon killed with SIGKILL 20 times while its audit thread writes batches of checks: the chain verifies after every restart', { timeout: 400_000 }, async (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-kill-test.ts', '--kills', '20'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 390_000,
    env: { PATH: process.env.PATH ?? '' }
  })
  t.equal(run.status, 0, run.stderr)
  const kills = run.stdout.split('\n').filter((line) => line.startsWith('kill '))
  t.equal(kills.length, 20)
  t.same(kills.filter((line) => !/^kill \d+\/20: chain verifies: \d+ rows in \d+ links/.test(line)), [], 'every kill: the chain verifies')
  const rows = kills.map((line) => Number(/verifies: (\d+) rows/.exec(line)?.[1]))
  t.ok((rows[19] ?? 0) > (rows[0] ?? 0), 'checks went on being written across the restarts')
  t.match(run.stdout, /^breaks: 0$/m)
})
