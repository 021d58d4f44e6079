/**
 * `npm start`'s prestart: runs `npm run build` only when a build input is newer than the last
 * successful build, so that a start with nothing changed goes straight to the daemon.
 *
 * Inputs: every file and folder under src/ and web/ (a folder's time changes when a file in it is
 * added, renamed or deleted), the tsconfig*.json files, package.json and package-lock.json.
 * The last build is dist/.build-stamp, whose time is set to the moment that build began, so a
 * source saved while a build ran is built next time. A missing dist/server.js or compiled page
 * scripts (public/assets/js/) also builds. Plain JavaScript, so it runs before anything is compiled.
 * Prints one line saying what it did. Run from the package root (npm does so).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync, utimesSync } from 'node:fs'
import { join } from 'node:path'

const root = process.cwd()
const STAMP = join(root, 'dist', '.build-stamp')
const FOLDERS = ['src', 'web']
const FILES = ['package.json', 'package-lock.json']
const OUTPUTS = [join(root, 'dist', 'server.js'), join(root, 'public', 'assets', 'js')]

/** The newest modification time (ms) of `path` and, for a folder, of everything under it. */
function newest (path) {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (stat === undefined) return 0
  let latest = stat.mtimeMs
  if (stat.isDirectory()) {
    for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)))
  }
  return latest
}

/** Why a build is needed, or null when the last build is newer than every input. */
function buildReason () {
  const stamp = statSync(STAMP, { throwIfNoEntry: false })
  if (stamp === undefined) return 'no earlier build'
  if (OUTPUTS.some((output) => !existsSync(output))) return 'a build output is missing'
  const configs = readdirSync(root).filter((name) => /^tsconfig.*\.json$/.test(name))
  const inputs = [...FOLDERS, ...FILES, ...configs]
  const changed = inputs.find((input) => newest(join(root, input)) >= stamp.mtimeMs)
  return changed === undefined ? null : `${changed} changed since the last build`
}

const reason = buildReason()
if (reason === null) {
  process.stdout.write('build skipped: dist/ is newer than every source\n')
} else {
  process.stdout.write(`building: ${reason}\n`)
  const began = new Date()
  const npm = process.env.npm_execpath
  // npm's own CLI under this node when npm started us; else the npm on PATH.
  const result = npm !== undefined && npm.endsWith('.js')
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
  writeFileSync(STAMP, '')
  utimesSync(STAMP, began, began)
}
