/**
 * Helpers for the Kamailio integration (integrations/kamailio/): Debian's Kamailio with the example
 * kamailio.cfg, and SIPp as the prison phone (UAC) and as the called party (UAS), all on loopback.
 * Used by test/integrations/kamailio.test.ts and scripts/sip-latency.ts.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './daemon.js'

export const KAMAILIO = '/usr/sbin/kamailio'
export const SIPP = '/usr/bin/sipp'
export const EXAMPLE_DIR = join(ROOT, 'integrations/kamailio')

/** Why the SIP programs cannot run here, or false when they can. */
export function sipSkipReason (): string | false {
  const missing = [KAMAILIO, SIPP].filter((program) => !existsSync(program))
  return missing.length === 0
    ? false
    : `${missing.join(' and ')} not installed, so the Kamailio integration cannot run (apt-get install -y kamailio kamailio-utils-modules sip-tester)`
}

/**
 * A UDP port nobody holds on 127.0.0.1 right now (SIP here is UDP, so a TCP free port proves
 * nothing). Another process may take it before the program it is meant for binds it: every start
 * that binds such a port checks that its own process holds it and retries on a fresh port if not.
 */
export async function freeUdpPort (): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve, reject) => socket.once('error', reject).bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/**
 * The UDP (IPv4) ports the sockets of process `pid` are bound to, from Linux's /proc: the socket
 * inodes among its open files, looked up in its network namespace's UDP table. Empty once it exits.
 */
export function udpPortsOf (pid: number): Set<number> {
  const ports = new Set<number>()
  let inodes: Set<string>
  let table: string
  try {
    inodes = new Set(readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try { return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '' } catch { return '' }
    }))
    table = readFileSync(`/proc/${pid}/net/udp`, 'utf8')
  } catch {
    return ports
  }
  // Lines: sl local_address(hex ip:hex port) rem_address st ... uid timeout inode ...
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/)
    const port = fields[1]?.split(':')[1]
    if (port !== undefined && fields[9] !== undefined && inodes.has(fields[9])) ports.add(parseInt(port, 16))
  }
  return ports
}

/** How many fresh ports a start tries when another process took the one it was given. */
export const PORT_ATTEMPTS = 5

/** SIPp ("errno = 98") and Kamailio both say so when their port is taken. */
const PORT_TAKEN = /Address already in use|errno = 98/

/** Where a start finds ports to try: freeUdpPort, unless a test hands out its own. */
export type PortSource = () => Promise<number>

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface KamailioKnobs {
  /** the UDP port Kamailio listens on (127.0.0.1) */
  port: number
  /** host:port of the PSTN gateway (here the SIPp UAS standing for the called party) */
  gateway: string
  /** upc-guard's base URL */
  url: string
  /** a token with the role check */
  token: string
  /** false: the same configuration with the check switched off (for the latency comparison) */
  check?: boolean
  prisonerHeader?: string
}

/**
 * The example kamailio.cfg with its knob lines rewritten. Each knob line must be found exactly once,
 * so that a renamed knob in the example fails here instead of silently keeping its default.
 */
export function kamailioConfig (knobs: KamailioKnobs): string {
  let text = readFileSync(join(EXAMPLE_DIR, 'kamailio.cfg'), 'utf8')
  const set = (pattern: RegExp, line: string) => {
    const found = text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0
    if (found !== 1) throw new Error(`kamailio.cfg: expected one line matching ${pattern.source}, found ${found}`)
    text = text.replace(new RegExp(pattern.source, 'm'), line)
  }
  set(/^#!define UPC_LISTEN .*$/, `#!define UPC_LISTEN udp:127.0.0.1:${knobs.port}`)
  set(/^#!substdef "!UPC_GATEWAY!.*$/, `#!substdef "!UPC_GATEWAY!${knobs.gateway}!g"`)
  set(/^#!substdef "!UPC_GUARD_URL!.*$/, `#!substdef "!UPC_GUARD_URL!${knobs.url}!g"`)
  set(/^#!substdef "!UPC_GUARD_TOKEN!.*$/, `#!substdef "!UPC_GUARD_TOKEN!${knobs.token}!g"`)
  set(/^#!substdef "!UPC_PRISONER_HEADER!.*$/, `#!substdef "!UPC_PRISONER_HEADER!${knobs.prisonerHeader ?? 'X-Prisoner'}!g"`)
  // A fixed worker count, so that a run on a 2-core machine measures the same thing each time.
  set(/^children=.*$/, 'children=2')
  if (knobs.check === false) set(/^#!define WITH_UPC_GUARD$/, '# check switched off for this run')
  return text
}

export interface Kamailio { child: ChildProcess, port: number, stderr: () => string, stop: () => Promise<void> }

/**
 * Runs `start` on a port from `ports` until a start holds its port: `start` answers 'taken' when its
 * program exited because another process had bound the port in between.
 */
async function onFreePort<T> (name: string, ports: PortSource, start: (port: number) => Promise<T | 'taken'>): Promise<T> {
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const started = await start(await ports())
    if (started !== 'taken') return started
  }
  throw new Error(`${name}: each of ${PORT_ATTEMPTS} ports was taken by another process before it could bind it`)
}

/**
 * Starts `command` on `port` and waits until its process holds the UDP port and `ready` says yes:
 * 'taken' when it exited because another process has the port (onFreePort then tries another),
 * an error naming it for any other exit or when it never gets there.
 */
async function runOnPort (name: string, command: string, args: string[], dir: string, port: number, ready: () => Promise<boolean>, never: string): Promise<'taken' | { child: ChildProcess, stderr: () => string, stop: () => Promise<void> }> {
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) {
      if (PORT_TAKEN.test(stderr)) return 'taken'
      throw new Error(`${name} exited with ${child.exitCode}:\n${stderr}`)
    }
    if (child.pid !== undefined && udpPortsOf(child.pid).has(port) && await ready()) return { child, stderr: () => stderr, stop }
    await pause(25)
  }
  await stop()
  throw new Error(`${name} ${never}:\n${stderr}`)
}

/**
 * Runs Kamailio in the foreground (-DD -E: no daemon, logs on stderr) on the given configuration,
 * with its own runtime folder and pid file under dir, so it needs no system set-up, on a free UDP
 * port (a fresh one if another process takes it first). Ready when its own process holds the port
 * and it answers an OPTIONS keepalive there.
 */
export async function startKamailio (dir: string, knobs: Omit<KamailioKnobs, 'port'>, ports: PortSource = freeUdpPort): Promise<Kamailio> {
  mkdirSync(join(dir, 'run'), { recursive: true })
  const cfg = join(dir, 'kamailio.cfg')
  copyFileSync(join(EXAMPLE_DIR, 'upc-guard.cfg'), join(dir, 'upc-guard.cfg'))
  return onFreePort('kamailio', ports, async (port) => {
    writeFileSync(cfg, kamailioConfig({ ...knobs, port }))
    const started = await runOnPort('kamailio', KAMAILIO, ['-f', cfg, '-DD', '-E', '-Y', join(dir, 'run'), '-P', join(dir, 'run/kamailio.pid'), '-m', '64', '-M', '8', '-w', dir], dir, port, async () => optionsAnswered(port), 'did not answer OPTIONS')
    return started === 'taken' ? 'taken' : { ...started, port }
  })
}

/** Sends one OPTIONS keepalive to Kamailio; true when a 200 comes back within 100 ms. */
async function optionsAnswered (port: number): Promise<boolean> {
  return (await sipRequest(port, 'OPTIONS', { timeoutMs: 100 })) === 200
}

/**
 * Sends one request in a single UDP datagram and resolves with the first final status code that
 * comes back, or null after timeoutMs. For requests a SIPp scenario would be overkill for.
 */
export async function sipRequest (port: number, method: string, options: { user?: string, toTag?: string, timeoutMs?: number } = {}): Promise<number | null> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const local = socket.address().port
  const id = `upc-${Date.now()}-${Math.random().toString(36).slice(2)}`
  const target = `sip:${options.user === undefined ? '' : `${options.user}@`}127.0.0.1:${port}`
  const request = [
    `${method} ${target} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-${id}`,
    'Max-Forwards: 70',
    `From: <sip:pinphone@127.0.0.1:${local}>;tag=${id}`,
    `To: <${target}>${options.toTag === undefined ? '' : `;tag=${options.toTag}`}`,
    `Call-ID: ${id}`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:pinphone@127.0.0.1:${local}>`,
    ...(method === 'REFER' ? [`Refer-To: <sip:${options.user ?? ''}@127.0.0.1>`] : []),
    'Content-Length: 0',
    '', ''
  ].join('\r\n')
  return new Promise((resolve) => {
    const done = (code: number | null) => { clearTimeout(timer); socket.close(); resolve(code) }
    const timer = setTimeout(() => done(null), options.timeoutMs ?? 2000)
    socket.on('message', (message) => {
      const code = Number(/^SIP\/2\.0 (\d{3})/.exec(message.toString())?.[1])
      if (code >= 200) done(code)
    })
    socket.send(request, port, '127.0.0.1')
  })
}

/**
 * The called party: answers every INVITE 180 then 200, copying the Record-Route so that the ACK
 * and the BYE come back through Kamailio, as they would from a gateway.
 */
export const UAS_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="called party">
  <recv request="INVITE" crlf="true"/>
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
  <recv request="BYE"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
</scenario>
`

export interface Uas { child: ChildProcess, port: number, invites: () => number, requests: () => number, messages: () => string, stop: () => Promise<void> }

/**
 * A SIPp UAS on a free port (a fresh one if another process takes it first) that logs every message
 * it sees, so a test can count the INVITEs. Ready when its own process holds the port.
 */
export async function startUas (dir: string, options: { log?: boolean } = {}, ports: PortSource = freeUdpPort): Promise<Uas> {
  mkdirSync(dir, { recursive: true })
  const scenario = join(dir, 'called-party.xml')
  const log = join(dir, 'called-party-messages.log')
  writeFileSync(scenario, UAS_SCENARIO)
  const trace = options.log === false ? [] : ['-trace_msg', '-message_file', log]
  const messages = () => readFileSync(log, 'utf8')
  // SIPp's message log is flushed line by line: a request line it received is in the file at once.
  const invites = () => messages().match(/^INVITE sip:/gm)?.length ?? 0
  const requests = () => messages().match(/^[A-Z]+ sip:/gm)?.length ?? 0
  return onFreePort('sipp (called party)', ports, async (port) => {
    writeFileSync(log, '')
    const started = await runOnPort('sipp (called party)', SIPP, ['-sf', scenario, '-i', '127.0.0.1', '-p', String(port), '-nostdin', ...trace], dir, port, async () => true, 'did not bind its port')
    return started === 'taken' ? 'taken' : { child: started.child, port, invites, requests, messages, stop: started.stop }
  })
}

export interface CallerOptions {
  /** the From user (the prisoner number when there is no prisoner header) */
  fromUser: string
  /** the prisoner header's value, or none */
  prisoner?: string
  prisonerHeader?: string
}

/**
 * The prison phone: one INVITE, then whatever the proxy answers. A 403 or 503 is ACKed; a 200 is
 * ACKed and the call hung up with a BYE through the proxy. The set-up time (INVITE sent to final
 * answer received) is SIPp's response time "setup".
 */
export function uacScenario (options: CallerOptions): string {
  const header = options.prisoner === undefined ? '' : `\n      ${options.prisonerHeader ?? 'X-Prisoner'}: ${options.prisoner}`
  const ackNegative = (code: number) => `
  <label id="ack-${code}"/>
  <send next="end">
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="prison phone">
  <send retrans="500" start_rtd="setup">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:${options.fromUser}@[local_ip]:[local_port]>;tag=[pid]-[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:${options.fromUser}@[local_ip]:[local_port]>
      Max-Forwards: 70${header}
      Content-Length: 0

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="403" optional="true" rtd="setup" next="ack-403"/>
  <recv response="503" optional="true" rtd="setup" next="ack-503"/>
  <recv response="200" rtd="setup" rrs="true"/>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [last_From:]
      [last_To:]
      [routes]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [last_From:]
      [last_To:]
      [routes]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" next="end"/>
${ackNegative(403)}
${ackNegative(503)}
  <label id="end"/>
</scenario>
`
}

export interface CallResult {
  /** SIPp's exit status: 0 when every call ran the scenario to its end */
  status: number | null
  /** the final answers to the INVITE, in order (one, unless something retransmitted) */
  finals: number[]
  /** SIPp's message log, for a failure message */
  log: string
}

let callCount = 0

/** Places one call to `number` through Kamailio with a SIPp UAC and reports the final answer. */
export async function placeCall (dir: string, kamailioPort: number, number: string, options: CallerOptions): Promise<CallResult> {
  const name = `call-${++callCount}`
  const scenario = join(dir, `${name}.xml`)
  const log = join(dir, `${name}-messages.log`)
  writeFileSync(scenario, uacScenario(options))
  // No -p: SIPp binds its own local port (the first free from 5060), so no other process can take it in between.
  const child = spawn(SIPP, [
    '-sf', scenario, '-m', '1', '-s', number, `127.0.0.1:${kamailioPort}`, '-i', '127.0.0.1',
    '-nostdin', '-timeout', '15s', '-timeout_error', '-trace_msg', '-message_file', log
  ], { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] })
  const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const text = existsSync(log) ? readFileSync(log, 'utf8') : ''
  const finals = [...text.matchAll(/^SIP\/2\.0 ([2-6]\d\d) [^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*?CSeq: 1 INVITE/gm)].map((match) => Number(match[1]))
  return { status, finals, log: text }
}

export interface LoadResult {
  /** SIPp's exit status: 0 when every call ran to its end */
  status: number | null
  /** each call's set-up time as SIPp's response-time trace has it (-trace_rtt), in whole milliseconds */
  rtdMs: number[]
  /**
   * each call's set-up time from SIPp's short message trace (-trace_shortmsg): the INVITE sent to
   * the 200 received, from SIPp's own microsecond timestamps, in milliseconds
   */
  setupMs: number[]
}

/**
 * Places `calls` allowed calls at `rate` calls a second with one SIPp UAC and reads back each
 * call's set-up time (INVITE sent to 200 received) from SIPp's traces.
 */
export async function placeCalls (dir: string, kamailioPort: number, number: string, caller: CallerOptions, load: { calls: number, rate: number }): Promise<LoadResult> {
  const name = `load-${++callCount}`
  const run = join(dir, name)
  mkdirSync(run, { recursive: true })
  const scenario = join(run, `${name}.xml`)
  const short = join(run, 'messages.tsv')
  writeFileSync(scenario, uacScenario(caller))
  // No -p: SIPp binds its own local port, as in placeCall.
  const child = spawn(SIPP, [
    '-sf', scenario, '-m', String(load.calls), '-r', String(load.rate), '-rp', '1000', '-s', number, `127.0.0.1:${kamailioPort}`,
    '-i', '127.0.0.1', '-nostdin', '-timeout', `${Math.ceil(load.calls / load.rate) + 30}s`, '-timeout_error',
    '-trace_rtt', '-rtt_freq', '1', '-trace_shortmsg', '-shortmessage_file', short
  ], { cwd: run, stdio: ['ignore', 'ignore', 'ignore'] })
  const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const rtt = join(run, `${name}_${child.pid}_rtt.csv`)
  const rtdMs = existsSync(rtt)
    ? readFileSync(rtt, 'utf8').split('\n').slice(1).filter((line) => line.trim() !== '').map((line) => Number(line.split(';')[1]))
    : []
  // Lines: date, time, epoch seconds (microseconds), S|R, Call-ID, CSeq, first line.
  const sent = new Map<string, number>()
  const setupMs: number[] = []
  for (const line of existsSync(short) ? readFileSync(short, 'utf8').split('\n') : []) {
    const [, , epoch, direction, callId, cseq, first] = line.split('\t')
    if (epoch === undefined || callId === undefined || cseq !== 'CSeq:1 INVITE') continue
    if (direction === 'S' && first?.startsWith('INVITE ') === true && !sent.has(callId)) sent.set(callId, Number(epoch))
    const at = sent.get(callId)
    if (direction === 'R' && first?.startsWith('SIP/2.0 200') === true && at !== undefined) {
      setupMs.push((Number(epoch) - at) * 1000)
      sent.delete(callId)
    }
  }
  return { status, rtdMs, setupMs }
}
