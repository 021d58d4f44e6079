/**
 * `npm start`'s prestart (scripts/build-if-changed.mjs) on a small package of its own, whose build
 * counts its runs: it builds when there was no build, when a source, a folder's contents, a tsconfig
 * or package.json changed, or an output is missing; it builds nothing when nothing changed.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { tempDir } from '../helper.js'

const SCRIPT = fileURLToPath(new URL('../../scripts/build-if-changed.mjs', import.meta.url))

/** A package with the real layout and a build that writes the outputs and counts itself. */
function fixture (dir: string, options: { failing?: boolean } = {}): void {
  const build = options.failing === true
    ? 'process.exit(3)'
    : `const fs = require('node:fs'); fs.mkdirSync('dist', { recursive: true }); fs.writeFileSync('dist/server.js', '');
       fs.mkdirSync('public/assets/js', { recursive: true }); fs.appendFileSync('builds.log', 'x')`
  writeFileSync(join(dir, 'build.cjs'), build)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, scripts: { build: 'node build.cjs' } }))
  for (const folder of ['src', 'web', 'web/lib']) mkdirSync(join(dir, folder), { recursive: true })
  writeFileSync(join(dir, 'src/server.ts'), '')
  writeFileSync(join(dir, 'web/lib/page.ts'), '')
  writeFileSync(join(dir, 'tsconfig.json'), '{}')
  writeFileSync(join(dir, 'tsconfig.build.json'), '{}')
  age(dir, ['src/server.ts', 'web/lib/page.ts', 'web/lib', 'web', 'src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'], 2 * HOUR)
}

function start (dir: string): { status: number | null, output: string, builds: number } {
  const result = spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: 'utf8' })
  let builds = 0
  try { builds = readFileSync(join(dir, 'builds.log'), 'utf8').length } catch { /* none yet */ }
  return { status: result.status, output: `${result.stdout}${result.stderr}`, builds }
}

const HOUR = 3_600_000

/** Sets the time of each path under dir to `ms` ago. */
function age (dir: string, paths: readonly string[], ms: number): void {
  const at = new Date(Date.now() - ms)
  for (const path of paths) utimesSync(join(dir, path), at, at)
}

/**
 * As if `path` were edited after the last build: the path's time an hour ago, the build's half an
 * hour before that, every other input two hours ago (fixture), so only `path` is newer than the build.
 */
function editAfterBuild (dir: string, path: string): void {
  age(dir, [path], HOUR)
  age(dir, ['dist/.build-stamp'], 1.5 * HOUR)
}

t.test('builds when there is no build, then never again while nothing changes', async (t) => {
  const dir = tempDir(t)
  fixture(dir)
  const first = start(dir)
  t.equal(first.status, 0)
  t.equal(first.builds, 1, 'the first start builds')
  t.match(first.output, /building: no earlier build/)
  const second = start(dir)
  t.equal(second.builds, 1, 'the second start builds nothing')
  t.match(second.output, /build skipped/)
  t.equal(start(dir).builds, 1, 'nor the third')
})

t.test('each kind of input, changed after the build, builds once', async (t) => {
  const dir = tempDir(t)
  fixture(dir)
  start(dir)
  let builds = 1
  for (const file of ['src/server.ts', 'web/lib/page.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    editAfterBuild(dir, file)
    const run = start(dir)
    t.equal(run.builds, ++builds, `${file} edited: built`)
    t.match(run.output, /changed since the last build/)
    t.equal(start(dir).builds, builds, `${file}: and the start after builds nothing`)
  }
})

t.test('a deleted source or a missing output builds', async (t) => {
  const dir = tempDir(t)
  fixture(dir)
  start(dir)
  // A deletion leaves no file to be newer: the folder's own time says it.
  rmSync(join(dir, 'web/lib/page.ts'))
  editAfterBuild(dir, 'web/lib')
  t.equal(start(dir).builds, 2, 'a source deleted: built')
  rmSync(join(dir, 'dist/server.js'))
  const run = start(dir)
  t.equal(run.builds, 3, 'dist/server.js missing: built')
  t.match(run.output, /a build output is missing/)
})

t.test('a failed build stops the start and is tried again next time', async (t) => {
  const dir = tempDir(t)
  fixture(dir, { failing: true })
  const run = start(dir)
  t.equal(run.status, 3, 'the build\'s exit status, so npm start stops')
  t.equal(run.builds, 0)
  fixture(dir)
  t.equal(start(dir).builds, 1, 'the next start builds')
})
