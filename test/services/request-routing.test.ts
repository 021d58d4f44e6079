import { readFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { api, startDaemon } from '../../scripts/lib/daemon.js'
import type { Daemon } from '../../scripts/lib/daemon.js'
import { feedKeys } from '../../scripts/lib/feed-keys.js'
import { OUTCOME_EMAIL, PHONE, REQUESTER_NAME, restrictBody } from '../fixtures/requests.js'
import { CLIENTS, TOKENS, tempDir, writeKeyFiles } from '../helper.js'

/**
 * A loopback TCP proxy with a fixed port in front of the hub, so that the hub can stop and start
 * again (on a port of its own choosing) while the establishments keep their upstream URL. While no
 * hub is behind it, every connection is closed at once: the hub is down.
 */
async function hubProxy (t: Test) {
  let target: number | null = null
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    if (target === null) { client.destroy(); return }
    const upstream = connect(target, '127.0.0.1')
    sockets.add(client).add(upstream)
    client.pipe(upstream).pipe(client)
    const close = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream) }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const socket of sockets) socket.destroy(); server.close() })
  const address = server.address()
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`,
    to (port: number | null) {
      target = port
      if (port === null) for (const socket of sockets) socket.destroy()
    }
  }
}

/** Every daemon's log, at info, in one folder: read at the end for anything personal. */
const LOGS: string[] = []

async function daemon (t: Test, env: Record<string, string>, dir = tempDir(t)): Promise<Daemon & { dir: string }> {
  writeKeyFiles(dir)
  const logFile = join(dir, `daemon-${LOGS.length}.log`)
  LOGS.push(logFile)
  const started = await startDaemon({ UPC_DB: join(dir, 'upc-guard.db'), UPC_TOKENS: JSON.stringify(CLIENTS), UPC_SYNC_CRON: '0 0 1 1 *', UPC_LOG_LEVEL: 'info', ...env }, { logFile })
  t.teardown(() => { started.child.kill('SIGKILL') })
  return { ...started, dir }
}

t.test('a request made at the hub is decided, noticed and reported back, through a hub that goes down', async (t) => {
  const keys = feedKeys(tempDir(t))
  const proxy = await hubProxy(t)
  const hubEnv = { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', ...keys.hub }
  let hub = await daemon(t, hubEnv)
  proxy.to(hub.port)
  const prison = async (code: string, token: string) => daemon(t, {
    UPC_ESTABLISHMENT: code, UPC_UPSTREAM_URL: proxy.url, UPC_UPSTREAM_TOKEN: token, ...keys.establishment
  })
  const hli = await prison('HLI', TOKENS.feed)
  const lei = await prison('LEI', TOKENS.feedLei)

  const atHub = async (method: string, path: string, body?: unknown) => api(hub.base, TOKENS.admin, method, path, body)
  const at = async (d: Daemon, method: string, path: string, body?: unknown) => api(d.base, TOKENS.admin, method, path, body)
  const sync = async (d: Daemon) => at(d, 'POST', '/v1/sync')
  const decision = async (d: Daemon, phone: string) =>
    (await api(d.base, TOKENS.check, 'POST', '/v1/check', { channel: 'phone', prisoner: 'A1234BC', phone })).json.decision as string
  const madeAtHub = async (over: Record<string, unknown>) => {
    const res = await atHub('POST', '/v1/requests', restrictBody({ establishment: 'HLI', ...over }))
    t.equal(res.status, 201, 'made at the hub')
    return res.json as { id: string, status: string, stage: string }
  }

  await t.test('with consent: blocks at the establishment the moment it arrives; the hub sees it passed on', async (t) => {
    const made = await madeAtHub({})
    t.match(made, { status: 'pending', stage: 'received' }, 'the hub blocks nothing itself')
    t.equal(await decision(hli, PHONE), 'allow')
    t.equal((await sync(hli)).status, 200)
    const there = (await at(hli, 'GET', `/v1/requests/${made.id}`)).json
    t.match(there, { status: 'blocking', origin: 'hub', establishment: 'HLI', stage: 'passed-on' })
    t.same(there.requester, { kind: 'victim-liaison' }, 'the establishment gets who asked by kind only')
    t.not(there.outcomeContact.value, OUTCOME_EMAIL, 'and never how to reach them')
    t.equal(await decision(hli, PHONE), 'block', 'blocked as it arrived')
    const back = (await atHub('GET', `/v1/requests/${made.id}`)).json
    t.match(back, { status: 'blocking', stage: 'passed-on', entryId: there.entryId }, 'the arrival went back up')
    t.same(back.requester, { kind: 'victim-liaison', name: REQUESTER_NAME, organisation: 'West Yorkshire Probation' }, 'the hub keeps who asked')
  })

  await t.test('without consent: nothing blocks until approved; the decision and the notice reach the hub', async (t) => {
    const phone = '07700 900457'
    const made = await madeAtHub({ consent: false, block: { phones: [phone] } })
    await sync(hli)
    t.equal((await at(hli, 'GET', `/v1/requests/${made.id}`)).json.status, 'pending')
    t.equal(await decision(hli, phone), 'allow', 'pending: nothing blocked')
    const approved = await at(hli, 'POST', `/v1/requests/${made.id}/decision`, { decision: 'approve', rationale: 'Risk assessed by the security team' })
    t.equal(approved.json.status, 'approved')
    t.equal(await decision(hli, phone), 'block')
    await at(hli, 'POST', `/v1/requests/${made.id}/notice`, { givenAt: new Date().toISOString(), givenBy: 'Officer 4521' })
    await sync(hli)
    t.match((await atHub('GET', `/v1/requests/${made.id}`)).json, {
      status: 'approved', stage: 'notice-given', decidedBy: 'spoc', rationale: 'Risk assessed by the security team', notice: { by: 'Officer 4521', template: 'direct@1' }
    })
  })

  await t.test('a decline blocks nothing and reaches the hub', async (t) => {
    const phone = '07700 900458'
    const made = await madeAtHub({ consent: false, block: { phones: [phone] } })
    await sync(hli)
    await at(hli, 'POST', `/v1/requests/${made.id}/decision`, { decision: 'decline', rationale: 'A child at the address needs the number' })
    t.equal(await decision(hli, phone), 'allow')
    await sync(hli)
    t.match((await atHub('GET', `/v1/requests/${made.id}`)).json, { status: 'declined', stage: 'decided', rationale: 'A child at the address needs the number' })
  })

  await t.test('a reinstatement made at the hub lifts the block at the establishment', async (t) => {
    const phone = '07700 900459'
    const first = await madeAtHub({ block: { phones: [phone] } })
    await sync(hli)
    const entryId = (await at(hli, 'GET', `/v1/requests/${first.id}`)).json.entryId as string
    t.equal(await decision(hli, phone), 'block')
    const reference = (await at(hli, 'GET', `/v1/entries/${entryId}`)).json.reference as string
    const reinstate = await atHub('POST', '/v1/requests', {
      kind: 'reinstate', prisoner: 'A1234BC', establishment: 'HLI', requester: { kind: 'person' }, outcomeContact: { method: 'phone', value: '020 7946 0123' }, consent: true, liftEntry: reference, reason: 'The person asks for contact again'
    })
    t.equal(reinstate.status, 201, 'the hub takes the reference of a block it does not hold')
    await sync(hli)
    const there = (await at(hli, 'GET', `/v1/requests/${reinstate.json.id as string}`)).json
    t.match(there, { status: 'pending', liftEntryId: entryId }, 'the establishment finds its block by the reference')
    await at(hli, 'POST', `/v1/requests/${reinstate.json.id as string}/decision`, { decision: 'approve', rationale: 'Close relative, contact supported by probation' })
    t.equal(await decision(hli, phone), 'allow', 'lifted')
  })

  await t.test('a transfer moves a pending request to the prisoner\'s new establishment', async (t) => {
    const made = await madeAtHub({ consent: false, block: { phones: ['07700 900460'] } })
    await sync(hli)
    t.equal((await at(hli, 'GET', `/v1/requests/${made.id}`)).json.status, 'pending')
    t.equal((await atHub('POST', '/v1/prisoners/A1234BC/transfer', { to: 'LEI' })).status, 200)
    await sync(hli)
    await sync(lei)
    t.equal((await at(hli, 'GET', `/v1/requests/${made.id}`)).json.status, 'moved', 'gone from HLI')
    t.match((await at(lei, 'GET', `/v1/requests/${made.id}`)).json, { status: 'pending', establishment: 'LEI' }, 'waiting at LEI')
    t.equal((await atHub('GET', `/v1/requests/${made.id}`)).json.establishment, 'LEI')
    const refused = await api(hub.base, TOKENS.feed, 'POST', '/v1/requests/outcomes', {
      eventId: '00000000-0000-7000-8000-000000000001', requestId: made.id, status: 'declined', arrivedAt: null, entryId: null, decidedAt: new Date().toISOString(), decidedBy: 'spoc', rationale: 'x', notice: null
    })
    t.equal(refused.status, 409, 'HLI can no longer report on it')
  })

  await t.test('the hub is down while a decision is made; once it is up the outcome arrives, once', async (t) => {
    // The hub knows the prisoner is at LEI now (the transfer): a request without an establishment goes there.
    const made = await madeAtHub({ establishment: undefined, consent: false, block: { phones: ['07700 900461'] } })
    t.equal((await atHub('GET', `/v1/requests/${made.id}`)).json.establishment, 'LEI')
    await sync(lei)
    hub.child.kill('SIGTERM')
    await hub.exited
    proxy.to(null)
    const decided = await at(lei, 'POST', `/v1/requests/${made.id}/decision`, { decision: 'approve', rationale: 'Risk assessed by the security team' })
    t.equal(decided.json.status, 'approved', 'the establishment decides without the hub')
    await sync(lei) // the hub is down: nothing goes, nothing is lost
    hub = await daemon(t, hubEnv, hub.dir)
    proxy.to(hub.port)
    t.equal((await atHub('GET', `/v1/requests/${made.id}`)).json.status, 'pending', 'not there yet')
    await sync(lei)
    t.match((await atHub('GET', `/v1/requests/${made.id}`)).json, { status: 'approved', decidedBy: 'spoc' }, 'arrived')
    await sync(lei)
    const reports = (await atHub('GET', '/v1/audit?action=request.report&limit=1000')).json.items
      .filter((row: { detail: { requestId: string } }) => row.detail.requestId === made.id)
    t.equal(reports.length, 2, 'applied once each: its arrival at LEI and its decision')
    const again = await api(hub.base, TOKENS.feedLei, 'POST', '/v1/requests/outcomes', {
      eventId: reports[0].detail.eventId, requestId: made.id, status: 'approved', arrivedAt: null, entryId: null, decidedAt: new Date().toISOString(), decidedBy: 'spoc', rationale: 'Risk assessed by the security team', notice: null
    })
    t.same(again.json, { eventId: reports[0].detail.eventId, result: 'repeat' }, 'a repeat is acknowledged and ignored')
    t.equal((await atHub('GET', '/v1/audit?action=request.report&limit=1000')).json.items
      .filter((row: { detail: { requestId: string } }) => row.detail.requestId === made.id).length, 2)
  })

  await t.test('no requester detail, contact detail or protected person\'s name in any daemon\'s log', async (t) => {
    const logs = LOGS.map((file) => readFileSync(file, 'utf8')).join('\n')
    t.match(logs, /requests routed/, 'the routing is logged')
    for (const value of [PHONE, '7700900456', '07700 900457', REQUESTER_NAME, 'West Yorkshire Probation', OUTCOME_EMAIL, 'outcome.contact', 'Sam Carter', 'sam.carter']) {
      t.notMatch(logs, value, `no ${value}`)
    }
  })
})
