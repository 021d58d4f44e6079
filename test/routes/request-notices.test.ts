import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { EMAIL, MONDAY, OUTCOME_EMAIL, PHONE, REQUESTER_NAME, restrictBody } from '../fixtures/requests.js'
import { auth, buildTestApp, tempDir } from '../helper.js'

const DAY = 86_400_000

async function setup (t: Test, env: Record<string, string> = {}) {
  let now = MONDAY
  const { app } = await buildTestApp(t, { clock: () => now, env })
  const post = async (url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: auth('admin'), payload: payload as object })
  const get = async (url: string) => app.inject({ method: 'GET', url, headers: auth('admin') })
  const approved = async (over: Record<string, unknown> = {}) => {
    const made = (await post('/v1/requests', restrictBody({ consent: false, ...over }))).json()
    await post(`/v1/requests/${made.id as string}/decision`, { decision: 'approve', rationale: 'Risk assessed by the security team' })
    return made.id as string
  }
  const metric = async () => /^upc_requests_notice_overdue (\d+)$/m.exec((await app.inject({ method: 'GET', url: '/metrics', headers: auth('metrics') })).body)?.[1]
  return { app, post, get, approved, metric, advance: (ms: number) => { now += ms } }
}

t.test('a direct request\'s notice: the prisoner must not contact the person, who is not named', async (t) => {
  const { get, approved } = await setup(t)
  const id = await approved()
  const notice = (await get(`/v1/requests/${id}/notice`)).json()
  t.equal(notice.template, 'direct@1')
  t.equal(notice.recorded, false)
  t.equal(notice.title, 'Notice: you must not contact a person')
  t.equal(notice.paragraphs[0], 'Prisoner number: A1234BC. Establishment: HLI. Date: 7 December 2026.')
  const text = JSON.stringify(notice)
  for (const value of ['Sam Carter', PHONE, '7700900456', EMAIL, REQUESTER_NAME, OUTCOME_EMAIL, 'West Yorkshire']) t.notMatch(text, value, `the notice holds no ${value}`)
})

t.test('an intelligence-led notice names the person, and nothing else of theirs', async (t) => {
  const { post, get, approved } = await setup(t)
  const refused = await post('/v1/requests', restrictBody({ intelligenceLed: true, block: { phones: [PHONE] } }))
  t.equal(refused.statusCode, 400, 'an intelligence-led restriction needs the person to name')
  t.match(refused.json().message, /block\.protectedPerson is required/)
  const id = await approved({ intelligenceLed: true })
  const notice = (await get(`/v1/requests/${id}/notice`)).json()
  t.equal(notice.template, 'intelligence@1')
  t.equal(notice.title, 'Notice: you must not contact Sam Carter')
  t.match(notice.paragraphs[1], /^From the date of this notice you must not contact Sam Carter by letter/)
  const text = JSON.stringify(notice)
  for (const value of [PHONE, '7700900456', EMAIL, REQUESTER_NAME, OUTCOME_EMAIL]) t.notMatch(text, value, `the notice holds no ${value}`)
})

t.test('recording the notice: when, by whom, which wording; once; audited', async (t) => {
  const { post, get, approved } = await setup(t)
  const pending = (await post('/v1/requests', restrictBody({ consent: false }))).json()
  const early = await post(`/v1/requests/${pending.id as string}/notice`, { givenAt: '2026-12-07T09:30:00Z', givenBy: 'Officer 4521' })
  t.equal(early.statusCode, 409, 'no notice for a restriction not in force')
  const id = await approved()
  t.equal((await post(`/v1/requests/${id}/notice`, { givenAt: '2026-12-08T09:00:00Z', givenBy: 'Officer 4521' })).statusCode, 400, 'not in the future')
  t.equal((await post(`/v1/requests/${id}/notice`, { givenAt: '2026-12-01T09:00:00Z', givenBy: 'Officer 4521' })).statusCode, 400, 'not before the request')
  const res = await post(`/v1/requests/${id}/notice`, { givenAt: '2026-12-07T09:59:00Z', givenBy: 'Officer 4521' })
  t.equal(res.statusCode, 400, 'not before the request was received (10:00)')
  const recorded = await post(`/v1/requests/${id}/notice`, { givenAt: '2026-12-07T10:00:00Z', givenBy: 'Officer 4521' })
  t.equal(recorded.statusCode, 200)
  t.match(recorded.json(), { stage: 'notice-given', notice: { at: '2026-12-07T10:00:00.000Z', by: 'Officer 4521', template: 'direct@1', recordedBy: 'spoc' } })
  t.equal((await post(`/v1/requests/${id}/notice`, { givenAt: '2026-12-07T10:00:00Z', givenBy: 'Officer 4521' })).statusCode, 409, 'once')
  t.equal((await get(`/v1/requests/${id}/notice`)).json().recorded, true)
  const rows = (await get('/v1/audit?action=request.notice')).json().items
  t.equal(rows.length, 1)
  t.match(rows[0].detail, { requestId: id, wording: 'direct@1', givenBy: 'Officer 4521' })
})

t.test('a restriction with no notice after requests.noticeOverdueDays is overdue', async (t) => {
  const { get, post, approved, metric, advance } = await setup(t, { UPC_CONFIG: writeConfig(t, { requests: { noticeOverdueDays: 2 } }) })
  const id = await approved()
  const noticed = await approved()
  await post(`/v1/requests/${noticed}/notice`, { givenAt: '2026-12-07T10:00:00Z', givenBy: 'Officer 4521' })
  advance(2 * DAY)
  t.equal((await get(`/v1/requests/${id}`)).json().overdue, false, 'two days exactly: not yet')
  t.equal(await metric(), '0')
  advance(1)
  t.equal((await get(`/v1/requests/${id}`)).json().overdue, true, 'past two days: overdue')
  t.equal((await get(`/v1/requests/${noticed}`)).json().overdue, false, 'one with its notice is not')
  t.equal(await metric(), '1')
})

t.test('templates in config: a direct template that names the person stops start-up', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'notices.json')
  const paragraph = { version: 1, title: 'Notice', paragraphs: ['Do not contact {protectedPerson}.'] }
  writeFileSync(file, JSON.stringify({ direct: paragraph, intelligence: paragraph }))
  await t.rejects(buildTestApp(t, { env: { UPC_CONFIG: writeConfig(t, { requests: { noticeTemplatesFile: file } }) } }), /the direct template may not use \{protectedPerson\}/)
})

function writeConfig (t: Test, over: { requests: Record<string, unknown> }): string {
  const file = join(tempDir(t), 'config.json')
  writeFileSync(file, JSON.stringify(over))
  return file
}
