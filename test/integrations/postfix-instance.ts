import { execFile, execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'

/**
 * A throwaway instance of Debian's Postfix for the integration tests: its own config, queue and data
 * directories under one temporary folder (the config tree owned by root, the data directory by
 * mail_owner), an smtpd on a free loopback port, and a log file instead of syslog (a container has
 * none). Each test adds its own main.cf lines and master.cf services.
 */
export const POSTFIX = '/usr/sbin/postfix'

/** Why the tests that need Postfix (and `programs`, each with its Debian package) cannot run here, or false. */
export function postfixSkipReason (programs: Array<{ file: string, pkg: string }> = []): string | false {
  for (const { file, pkg } of [{ file: POSTFIX, pkg: 'postfix' }, ...programs]) {
    if (!existsSync(file)) return `${file} is not installed (apt-get install ${pkg})`
  }
  // Postfix's master runs as root and drops to mail_owner; a throwaway instance cannot start otherwise.
  if (process.getuid?.() !== 0) return 'Postfix can only be started as root'
  return false
}

/** Runs a program to its end; a non-zero exit is a result here, not an error. */
export async function run (file: string, args: string[]): Promise<{ code: number, output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 45000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, output: `${stdout}${stderr}` })
    })
  })
}

/** A TCP port nobody holds on 127.0.0.1 right now; whoever binds it must retry if another took it. */
async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** The main.cf every instance needs; mail goes nowhere (discard) unless the test's lines say where. */
function mainCf (base: string, lines: readonly string[]): string {
  return [
    'compatibility_level = 3.6',
    `queue_directory = ${join(base, 'queue')}`,
    `data_directory = ${join(base, 'data')}`,
    'mail_owner = postfix',
    'setgid_group = postdrop',
    'myhostname = mail.prison.example',
    'mydestination =',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'mynetworks = 127.0.0.0/8',
    'default_transport = discard:',
    'alias_maps =',
    'alias_database =',
    'biff = no',
    `maillog_file = ${join(base, 'maillog')}`,
    `maillog_file_prefixes = ${base}`,
    ...lines,
    ''
  ].join('\n')
}

function masterCf (smtpPort: number, services: readonly string[]): string {
  return [
    `127.0.0.1:${smtpPort} inet n - n - - smtpd`,
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'proxymap unix - - n - - proxymap',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    ...services,
    ''
  ].join('\n')
}

export interface PostfixInstance {
  base: string
  smtpPort: number
  /** `postfix check`'s result, run once on the instance's config before its start */
  check: { code: number, output: string }
  /** what Postfix logged so far */
  maillog: () => string
}

export interface PostfixOptions {
  /** main.cf lines after the common ones; given the instance's base folder */
  mainCf: (base: string) => readonly string[]
  /** master.cf services after the common ones */
  services?: readonly string[]
  /** runs once the folders exist and before the config is written (owners, more folders) */
  prepare?: (base: string) => void
}

/**
 * Starts an instance, stopped and removed when the test ends. The SMTP port is found free, then
 * bound by Postfix's master: another process may take it in between, so a start that fails on a
 * taken port is tried again on a fresh one, a bounded number of times. `postfix start` returns once
 * the master has opened its listeners, or fails.
 */
export async function startPostfix (t: Test, options: PostfixOptions): Promise<PostfixInstance> {
  const base = mkdtempSync(join(tmpdir(), 'upc-postfix-'))
  chmodSync(base, 0o755)
  const conf = join(base, 'conf')
  for (const dir of ['conf', 'queue', 'data']) mkdirSync(join(base, dir))
  execFileSync('chown', ['postfix', join(base, 'data')])
  options.prepare?.(base)
  writeFileSync(join(conf, 'main.cf'), mainCf(base, options.mainCf(base)))
  const maillog = () => (existsSync(join(base, 'maillog')) ? readFileSync(join(base, 'maillog'), 'utf8') : '')
  t.teardown(async () => {
    await run(POSTFIX, ['-c', conf, 'stop'])
    rmSync(base, { recursive: true, force: true })
  })
  let check: { code: number, output: string } | null = null
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    writeFileSync(join(conf, 'master.cf'), masterCf(port, options.services ?? []))
    check ??= await run(POSTFIX, ['-c', conf, 'check'])
    const started = await run(POSTFIX, ['-c', conf, 'start'])
    if (started.code === 0) return { base, smtpPort: port, check, maillog }
    if (attempt === 5 || !/Address already in use/.test(`${started.output}${maillog()}`)) throw new Error(`postfix did not start: ${started.output}${maillog()}`)
  }
}
