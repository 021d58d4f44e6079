import { v7 as timeOrderedUuid } from 'uuid'
import type { KeyHasher } from '../domain/key-hash.js'
import { personalDataIn } from '../domain/personal-data-in-text.js'
import { renderNotice, templateFor, wordingOf } from '../domain/notice.js'
import type { NoticeTemplates } from '../domain/notice.js'
import { dueAt, localTime } from '../domain/working-days.js'
import type { WorkingCalendar } from '../domain/working-days.js'
import type { CreateEntryBody } from '../schemas/entry.js'
import type { CreateRequestBody, DecisionBody, ListRequestsQuery, NoticeBody, OutcomeReport, RenderedNotice, RequestFeedItem, RequestView } from '../schemas/request.js'
import type { AuditRecord, AuditStore } from '../audit/index.js'
import type { Db } from '../store/db.js'
import type { RequestRow, RequestsStore } from '../store/requests-store.js'
import type { AuditWriter } from '../audit/index.js'
import { checkFreeText } from './entries.js'
import type { EntriesService } from './entries.js'
import { ownPhoneKeys } from './entry-records.js'
import { ConflictError, DomainError, InvalidError, NotFoundError } from '../domain/errors.js'
import { timeField } from './time-field.js'

const DAY_MS = 86_400_000
/** Working days from receipt: one to pass the request on, two more to decide it (docs/REQUESTS.md). */
export const PASS_ON_DAYS = 1
export const DECIDE_DAYS = 3

/** What a rationale's keyed hash is made of before its text, so that it never equals another hash. */
const RATIONALE_HASH_LABEL = 'rationale\0'

type BlockDetails = NonNullable<CreateRequestBody['block']>
interface Requester { kind: string, name?: string, organisation?: string }

export interface RequestsDeps {
  db: Db
  requests: RequestsStore
  entries: EntriesService
  audit: AuditStore
  /** queued check records are written before an admin write, so the trail's ids follow time */
  auditWriter: AuditWriter
  clock: () => number
  calendar: WorkingCalendar
  establishment: string
  role: 'establishment' | 'hub'
  /** where the hub last knew the prisoner held (prisoner_locations) */
  locate: (prisoner: string) => string | undefined
  keyHash: KeyHasher
  noticeOverdueDays: number
  noticeTemplates: NoticeTemplates
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
/** A date as a notice gives it, in UK time: 7 December 2026. */
function noticeDate (at: number): string {
  const [year, month, day] = localTime(at).day.split('-').map(Number) as [number, number, number]
  return `${day} ${MONTHS[month - 1] ?? ''} ${year}`
}

const iso = (ms: number): string => new Date(ms).toISOString()
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms))

/**
 * Free text kept with a request (a reason, a rationale) holds no contact detail and names neither
 * the protected person nor the requester; the message names the field, never the text.
 */
function checkRequestText (field: string, text: string, protectedPerson: string | null, phoneKeys: string[], requester: Requester): void {
  checkFreeText(field, text, { protectedPerson, ownPhoneKeys: phoneKeys })
  for (const name of [requester.name, requester.organisation]) {
    if (name !== undefined && personalDataIn(text, { protectedPerson: name, ownPhoneKeys: [] }) === 'name') {
      throw new InvalidError(`${field}: must not name the requester; describe the reason without it`)
    }
  }
}

/**
 * The request process (docs/REQUESTS.md): a request is recorded, reaches the establishment holding
 * the prisoner, and is decided there. A restriction with consent blocks the moment it arrives and
 * waits for a SPOC to confirm it; one without consent blocks nothing until a SPOC approves it; a
 * reinstatement lifts its block when approved. Each step and its audit row share one transaction
 * with the block it makes or lifts (through the entries service).
 */
export function createRequestsService (deps: RequestsDeps) {
  const { db, requests, entries, audit, clock, calendar } = deps

  /** What a new request holds before anyone acts on it: no block, decision or notice yet, and its due dates. */
  const undecided = (receivedAt: number) => ({
    entry_id: null,
    received_at: receivedAt,
    pass_on_due_at: dueAt(receivedAt, PASS_ON_DAYS, calendar),
    decision_due_at: dueAt(receivedAt, DECIDE_DAYS, calendar),
    decided_at: null,
    decided_by: null,
    rationale: null,
    notice_at: null,
    notice_by: null,
    notice_template: null,
    notice_recorded_by: null
  })
  const rationaleHash = (text: string): string => deps.keyHash(RATIONALE_HASH_LABEL + text)

  // At the hub, a request not decided yet follows its prisoner: the old establishment's feed says
  // withdraw, the new one's upsert, in the transfer's own transaction.
  if (deps.role === 'hub') {
    entries.onTransfer((prisoner, to, actor, at) => {
      for (const { id, establishment } of requests.undecidedOf(prisoner)) {
        if (establishment === to) continue
        requests.appendChange(id, establishment, 'withdraw', at)
        requests.moveTo(id, to, at)
        requests.appendChange(id, to, 'upsert', at)
        audit.append({ at, actor, action: 'request.move', entryId: null, reason: null, detail: { requestId: id, prisoner, from: establishment, to } })
      }
    })
  }

  const entryBodyOf = (row: Pick<RequestRow, 'prisoner' | 'establishment' | 'reason' | 'request_ref' | 'consent'>, block: BlockDetails): CreateEntryBody => ({
    ...block,
    scope: block.scope ?? 'prisoner',
    prisoner: row.prisoner,
    establishment: row.establishment,
    reason: row.reason,
    ...(row.request_ref === null ? {} : { requestRef: row.request_ref }),
    consent: row.consent === 1
  })

  const overdue = (row: RequestRow, now: number): boolean => {
    if (row.status === 'pending' || row.status === 'blocking') {
      return now > row.decision_due_at || (row.arrived_at === null && now > row.pass_on_due_at)
    }
    return row.kind === 'restrict' && row.status === 'approved' && row.notice_at === null &&
      now > (row.decided_at ?? now) + deps.noticeOverdueDays * DAY_MS
  }

  const stageOf = (row: RequestRow): RequestView['stage'] =>
    row.notice_at !== null ? 'notice-given' : row.decided_at !== null ? 'decided' : row.arrived_at !== null ? 'passed-on' : 'received'

  function toView (row: RequestRow, now: number): RequestView {
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      stage: stageOf(row),
      origin: row.origin,
      establishment: row.establishment,
      prisoner: row.prisoner,
      consent: row.consent === 1,
      intelligenceLed: row.intelligence === 1,
      requester: JSON.parse(row.requester) as RequestView['requester'],
      outcomeContact: JSON.parse(row.outcome_contact) as RequestView['outcomeContact'],
      block: row.block === null ? null : JSON.parse(row.block) as BlockDetails,
      liftEntryId: row.lift_entry_id,
      entryId: row.entry_id,
      reason: row.reason,
      requestRef: row.request_ref,
      receivedAt: iso(row.received_at),
      arrivedAt: isoOrNull(row.arrived_at),
      passOnDueAt: iso(row.pass_on_due_at),
      decisionDueAt: iso(row.decision_due_at),
      overdue: overdue(row, now),
      decidedAt: isoOrNull(row.decided_at),
      decidedBy: row.decided_by,
      rationale: row.rationale,
      notice: row.notice_at === null
        ? null
        : { at: iso(row.notice_at), by: row.notice_by ?? '', template: row.notice_template ?? '', recordedBy: row.notice_recorded_by ?? '' },
      createdAt: iso(row.created_at),
      createdBy: row.created_by,
      here: deps.role === 'establishment' && row.status !== 'moved'
    }
  }

  /** The ids and codes of a request for its audit rows: never who asked, their contact or the details. */
  const auditDetail = (row: RequestRow) => ({
    requestId: row.id,
    kind: row.kind,
    status: row.status,
    prisoner: row.prisoner,
    establishment: row.establishment,
    consent: row.consent === 1
  })

  const appendAudit = (record: Omit<AuditRecord, 'reason'>): void => audit.append({ ...record, reason: null })

  function establishmentFor (body: CreateRequestBody, prisoner: string): string {
    if (deps.role === 'establishment') {
      if (body.establishment !== undefined && body.establishment !== deps.establishment) {
        throw new InvalidError('establishment must be this daemon\'s own; requests for other establishments are made at the hub')
      }
      return deps.establishment
    }
    const held = body.establishment ?? deps.locate(prisoner)
    if (held === undefined) throw new InvalidError('establishment is required: the hub does not know where this prisoner is held')
    return held
  }

  const insertWithAudit = db.transaction((row: RequestRow) => {
    requests.insert(row)
    // At the hub, the request goes into the feed of the establishment holding the prisoner.
    if (deps.role === 'hub') requests.appendChange(row.id, row.establishment, 'upsert', row.created_at)
    appendAudit({ at: row.created_at, actor: row.created_by, action: 'request.create', entryId: row.entry_id ?? row.lift_entry_id, detail: { ...auditDetail(row), reasonHash: rationaleHash(row.reason), origin: row.origin } })
  })

  /** A request from the hub owes it each step (arrival, decision, notice): sent by the outbox. */
  const owe = (row: Pick<RequestRow, 'id' | 'origin'>, at: number): void => {
    if (row.origin === 'hub') requests.enqueue(timeOrderedUuid(), row.id, at)
  }

  /** Records the decision with its audit row; a 409 (rolling back the block with it) when another came first. */
  function recordDecision (row: RequestRow, status: 'approved' | 'declined', actor: string, at: number, rationale: string, entryId: string | null): void {
    if (!requests.decide(row.id, status, actor, at, rationale, entryId)) {
      throw new ConflictError('already_decided', 'the request is decided already')
    }
    owe(row, at)
    appendAudit({
      at,
      actor,
      action: 'request.decide',
      entryId: entryId ?? row.entry_id ?? row.lift_entry_id,
      detail: { ...auditDetail({ ...row, status }), decision: status, rationaleHash: rationaleHash(rationale) }
    })
  }
  const decideWithAudit = db.transaction(recordDecision)

  /** The block named, or null at the hub when it holds no such block (an establishment's own). */
  function findEntry (idOrReference: string, lenient = deps.role === 'hub') {
    try {
      return entries.find(idOrReference)
    } catch (err) {
      if (lenient && err instanceof DomainError && (err.kind === 'not_found' || err.kind === 'invalid')) return null
      throw err
    }
  }

  function load (id: string): RequestRow {
    const row = requests.get(id)
    if (row === undefined) throw new NotFoundError('no request with that id')
    return row
  }

  return {
    create (body: CreateRequestBody, actor: string): RequestView {
      const now = clock()
      const receivedAt = body.receivedAt === undefined ? now : timeField('receivedAt', body.receivedAt)
      if (receivedAt > now) throw new InvalidError('receivedAt must not be in the future')
      const prisoner = body.prisoner.toUpperCase()
      const establishment = establishmentFor(body, prisoner)
      const requester: Requester = body.requester
      let phoneKeys: string[] = []
      let protectedPerson: string | null = null
      let liftEntryId: string | null = null
      if (body.kind === 'restrict') {
        if (body.block === undefined) throw new InvalidError('block is required for kind restrict')
        if (body.liftEntry !== undefined) throw new InvalidError('liftEntry is only for kind reinstate')
        // The block is checked as the entries service would make it, now: a request that could never
        // become a block is refused at the door.
        const prepared = entries.prepare(entryBodyOf({ prisoner, establishment, reason: body.reason, request_ref: body.requestRef ?? null, consent: body.consent ? 1 : 0 }, body.block), actor, now)
        phoneKeys = ownPhoneKeys(prepared.details)
        protectedPerson = body.block.protectedPerson ?? null
        if (body.intelligenceLed === true && protectedPerson === null) {
          throw new InvalidError('block.protectedPerson is required when intelligenceLed is true: the prisoner\'s notice names the person')
        }
      } else {
        if (body.liftEntry === undefined) throw new InvalidError('liftEntry is required for kind reinstate')
        if (body.block !== undefined) throw new InvalidError('block is only for kind restrict')
        const entry = findEntry(body.liftEntry)
        if (entry === null) {
          // The hub does not hold a block the establishment made itself: the establishment finds it.
          liftEntryId = body.liftEntry.toUpperCase()
        } else {
          if (entry.status !== 'active') throw new ConflictError('already_lifted', 'the block named by liftEntry is already lifted')
          if (entry.prisoner !== null && entry.prisoner !== prisoner) throw new InvalidError('liftEntry names a block for another prisoner')
          liftEntryId = entry.id
          protectedPerson = entry.protectedPerson
        }
      }
      checkRequestText('reason', body.reason, protectedPerson, phoneKeys, requester)
      checkFreeText('requestRef', body.requestRef, { protectedPerson, ownPhoneKeys: phoneKeys })

      const here = deps.role === 'establishment'
      const row: RequestRow = {
        id: timeOrderedUuid(),
        kind: body.kind,
        // With consent the prison aims to restrict at once: the block is made as the request arrives.
        status: here && body.kind === 'restrict' && body.consent ? 'blocking' : 'pending',
        origin: 'local',
        establishment,
        prisoner,
        consent: body.consent ? 1 : 0,
        intelligence: body.intelligenceLed === true ? 1 : 0,
        requester_kind: requester.kind,
        requester: JSON.stringify({ kind: requester.kind, ...(requester.name === undefined ? {} : { name: requester.name }), ...(requester.organisation === undefined ? {} : { organisation: requester.organisation }) }),
        outcome_contact: JSON.stringify(body.outcomeContact),
        block: body.block === undefined ? null : JSON.stringify(body.block),
        reason: body.reason,
        request_ref: body.requestRef ?? null,
        lift_entry_id: liftEntryId,
        ...undecided(receivedAt),
        arrived_at: here ? now : null,
        created_by: actor,
        created_at: now,
        updated_at: now
      }
      if (row.status === 'blocking' && body.block !== undefined) {
        entries.create(entryBodyOf(row, body.block), actor, (entryId) => {
          row.entry_id = entryId
          insertWithAudit(row)
        })
      } else {
        deps.auditWriter.flush()
        insertWithAudit.immediate(row)
      }
      return toView(row, now)
    },

    get (id: string): RequestView {
      return toView(load(id), clock())
    },

    list (query: ListRequestsQuery) {
      const now = clock()
      const limit = query.limit ?? 50
      const offset = query.offset ?? 0
      const { rows, total } = requests.list({
        ...(query.state === undefined ? {} : { state: query.state === 'decided' ? 'decided' : 'open' }),
        ...(query.state === 'overdue' ? { dueBefore: now } : {}),
        ...(query.establishment === undefined ? {} : { establishment: query.establishment }),
        ...(query.prisoner === undefined ? {} : { prisoner: query.prisoner.toUpperCase() })
      }, limit, offset)
      return { items: rows.map((row) => toView(row, now)), total, limit, offset }
    },

    decide (id: string, body: DecisionBody, actor: string): RequestView {
      if (deps.role !== 'establishment') throw new ConflictError('not_establishment', 'requests are decided at the establishment holding the prisoner')
      const row = load(id)
      if (row.status === 'approved' || row.status === 'declined') throw new ConflictError('already_decided', 'the request is decided already')
      const block = row.block === null ? null : JSON.parse(row.block) as BlockDetails
      const liftEntry = row.lift_entry_id === null ? null : findEntry(row.lift_entry_id, true)
      const phoneKeys = block === null ? [] : ownPhoneKeys(entries.prepare(entryBodyOf(row, block), actor, clock()).details)
      checkRequestText('rationale', body.rationale, block?.protectedPerson ?? liftEntry?.protectedPerson ?? null, phoneKeys, JSON.parse(row.requester) as Requester)
      const now = clock()
      const approve = body.decision === 'approve'
      const status = approve ? 'approved' : 'declined'
      const record = (entryId: string | null) => () => recordDecision(row, status, actor, now, body.rationale, entryId)
      deps.auditWriter.flush()
      if (row.kind === 'restrict' && row.status === 'pending' && approve && block !== null) {
        entries.create(entryBodyOf(row, block), actor, (entryId) => record(entryId)())
      } else if (row.kind === 'restrict' && row.status === 'blocking' && !approve && row.entry_id !== null && entries.get(row.entry_id).status === 'active') {
        // Declining a consented restriction lifts the block it made at once.
        entries.lift(row.entry_id, body.rationale, actor, record(null))
      } else if (row.kind === 'reinstate' && approve && liftEntry?.status === 'active' && liftEntry.origin === 'local') {
        entries.lift(liftEntry.id, body.rationale, actor, record(null))
      } else {
        decideWithAudit.immediate(row, status, actor, now, body.rationale, null)
      }
      return toView(load(id), now)
    },

    /**
     * Records that the prisoner was told in writing, when and by whom, with the wording of the
     * template the request uses (docs/REQUESTS.md, "The notice"). Only for a restriction in force.
     */
    recordNotice (id: string, body: NoticeBody, actor: string): RequestView {
      if (deps.role !== 'establishment') throw new ConflictError('not_establishment', 'the prisoner\'s notice is recorded at the establishment holding the prisoner')
      const row = load(id)
      if (row.kind !== 'restrict' || (row.status !== 'approved' && row.status !== 'blocking')) {
        throw new ConflictError('not_restricted', 'a notice is recorded for a restriction in force only')
      }
      if (row.notice_at !== null) throw new ConflictError('notice_recorded', 'the notice is recorded already')
      const now = clock()
      const givenAt = timeField('givenAt', body.givenAt)
      if (givenAt > now) throw new InvalidError('givenAt must not be in the future')
      if (givenAt < row.received_at) throw new InvalidError('givenAt must not be before the request was received')
      const templateId = templateFor(row.intelligence === 1)
      const wording = wordingOf(templateId, deps.noticeTemplates[templateId])
      deps.auditWriter.flush()
      db.transaction(() => {
        if (!requests.notice(id, { at: givenAt, by: body.givenBy, template: wording }, actor, now)) {
          throw new ConflictError('notice_recorded', 'the notice is recorded already')
        }
        owe(row, now)
        appendAudit({ at: now, actor, action: 'request.notice', entryId: row.entry_id, detail: { requestId: id, prisoner: row.prisoner, establishment: row.establishment, wording, givenAt: iso(givenAt), givenBy: body.givenBy } })
      }).immediate()
      return toView(load(id), now)
    },

    /** The notice as printed: dated as given once recorded, today until then. */
    notice (id: string): RenderedNotice {
      const row = load(id)
      if (row.kind !== 'restrict') throw new ConflictError('not_restricted', 'a reinstatement has no notice')
      const templateId = templateFor(row.intelligence === 1)
      const template = deps.noticeTemplates[templateId]
      const block = row.block === null ? null : JSON.parse(row.block) as BlockDetails
      const rendered = renderNotice(template, {
        prisoner: row.prisoner,
        establishment: row.establishment,
        date: noticeDate(row.notice_at ?? clock()),
        protectedPerson: row.intelligence === 1 ? block?.protectedPerson ?? null : null
      })
      return { requestId: row.id, template: row.notice_template ?? wordingOf(templateId, template), ...rendered, recorded: row.notice_at !== null }
    },

    /** Hub: a request as the feed carries it to the establishment: no requester detail, no way to reach them. */
    feedItem (id: string): RequestFeedItem | null {
      const row = requests.get(id)
      if (row === undefined) return null
      return {
        id: row.id,
        kind: row.kind,
        prisoner: row.prisoner,
        establishment: row.establishment,
        consent: row.consent === 1,
        intelligenceLed: row.intelligence === 1,
        requesterKind: row.requester_kind as RequestFeedItem['requesterKind'],
        block: row.block === null ? null : JSON.parse(row.block) as BlockDetails,
        liftEntry: row.lift_entry_id,
        reason: row.reason,
        requestRef: row.request_ref,
        receivedAt: iso(row.received_at),
        createdBy: row.created_by
      }
    },

    /**
     * Establishment: a request from the hub's feed arrives. Recorded once (a repeat is ignored); a
     * restriction with consent makes its block at once, as one made here does. A block that cannot
     * be made here (its details refused) leaves the request pending for a SPOC: nothing is lost.
     */
    receive (item: RequestFeedItem): 'new' | 'known' {
      if (requests.get(item.id) !== undefined) return 'known'
      const now = clock()
      const receivedAt = timeField('receivedAt', item.receivedAt)
      let liftEntryId = item.liftEntry
      if (item.kind === 'reinstate' && liftEntryId !== null) {
        // Not held here: the request keeps the reference for the SPOC to see.
        liftEntryId = findEntry(liftEntryId, true)?.id ?? liftEntryId
      }
      const row: RequestRow = {
        id: item.id,
        kind: item.kind,
        status: 'pending',
        origin: 'hub',
        establishment: deps.establishment,
        prisoner: item.prisoner,
        consent: item.consent ? 1 : 0,
        intelligence: item.intelligenceLed ? 1 : 0,
        requester_kind: item.requesterKind,
        requester: JSON.stringify({ kind: item.requesterKind }),
        // The hub keeps how to reach the requester and tells them the outcome.
        outcome_contact: JSON.stringify({ method: 'post', value: 'held by the national hub' }),
        block: item.block === null ? null : JSON.stringify(item.block),
        reason: item.reason,
        request_ref: item.requestRef,
        lift_entry_id: liftEntryId,
        ...undecided(receivedAt),
        arrived_at: now,
        created_by: item.createdBy,
        created_at: now,
        updated_at: now
      }
      const arrive = () => {
        insertWithAudit(row)
        owe(row, now)
      }
      deps.auditWriter.flush()
      if (item.kind === 'restrict' && item.consent && item.block !== null) {
        try {
          entries.create(entryBodyOf(row, item.block), 'sync', (entryId) => {
            row.status = 'blocking'
            row.entry_id = entryId
            arrive()
          })
          return 'new'
        } catch (err) {
          if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err
          row.status = 'pending'
          row.entry_id = null
        }
      }
      db.transaction(arrive).immediate()
      return 'new'
    },

    /** Establishment: the hub moved a request away with its prisoner; a pending one goes, a decided one stays. */
    withdraw (id: string): void {
      const row = requests.get(id)
      if (row === undefined) return
      deps.auditWriter.flush()
      db.transaction(() => {
        if (requests.markMoved(id, clock())) appendAudit({ at: clock(), actor: 'sync', action: 'request.move', entryId: null, detail: { ...auditDetail({ ...row, status: 'moved' }) } })
      }).immediate()
    },

    /** Establishment: the outcome owed to the hub for one request, as it stands now. */
    reportOf (eventId: string, requestId: string): OutcomeReport | null {
      const row = requests.get(requestId)
      if (row === undefined) return null
      return {
        eventId,
        requestId,
        status: row.status === 'moved' ? 'pending' : row.status,
        arrivedAt: isoOrNull(row.arrived_at),
        entryId: row.entry_id,
        decidedAt: isoOrNull(row.decided_at),
        decidedBy: row.decided_by,
        rationale: row.rationale,
        notice: row.notice_at === null ? null : { at: iso(row.notice_at), by: row.notice_by ?? '', template: row.notice_template ?? '', recordedBy: row.notice_recorded_by ?? '' }
      }
    },

    /**
     * Hub: an establishment reports a request's state. Applied once per event id (a repeat is
     * acknowledged and ignored), only from the establishment the request is with. An approved
     * reinstatement of a block the hub made lifts that block here.
     */
    applyReport (report: OutcomeReport, from: string, actor: string): 'applied' | 'repeat' {
      if (deps.role !== 'hub') throw new ConflictError('not_hub', 'outcomes are reported to the national hub')
      const row = load(report.requestId)
      if (row.establishment !== from) throw new ConflictError('not_yours', 'the request is with another establishment')
      const at = clock()
      const state = {
        status: report.status,
        arrived_at: report.arrivedAt === null ? null : timeField('arrivedAt', report.arrivedAt),
        entry_id: report.entryId,
        decided_at: report.decidedAt === null ? null : timeField('decidedAt', report.decidedAt),
        decided_by: report.decidedBy,
        rationale: report.rationale,
        notice_at: report.notice === null ? null : timeField('notice.at', report.notice.at),
        notice_by: report.notice?.by ?? null,
        notice_template: report.notice?.template ?? null,
        notice_recorded_by: report.notice?.recordedBy ?? null
      }
      if ((state.status === 'approved' || state.status === 'declined') !== (state.decided_at !== null)) {
        throw new InvalidError('decidedAt must be set exactly when status is approved or declined')
      }
      const hubBlock = row.kind === 'reinstate' && state.status === 'approved' && row.lift_entry_id !== null ? findEntry(row.lift_entry_id, true) : null
      deps.auditWriter.flush()
      const apply = () => {
        if (!requests.seeEvent(report.eventId, row.id, at)) return 'repeat' as const
        requests.applyReport(row.id, state, at)
        appendAudit({ at, actor, action: 'request.report', entryId: row.entry_id ?? row.lift_entry_id, detail: { ...auditDetail({ ...row, status: state.status }), eventId: report.eventId, stage: stageOf({ ...row, ...state }) } })
        return 'applied' as const
      }
      if (hubBlock !== null && hubBlock.status === 'active' && hubBlock.origin === 'local') {
        let result: 'applied' | 'repeat' = 'repeat'
        entries.lift(hubBlock.id, report.rationale ?? 'Reinstated at the establishment\'s decision', actor, () => { result = apply() })
        return result
      }
      return db.transaction(apply).immediate()
    },

    /** Open requests past their decision date (GET /metrics). */
    overdueCount (): number {
      return requests.overdueCount(clock())
    },

    /** Restrictions approved more than requests.noticeOverdueDays ago with no notice recorded (GET /metrics). */
    noticeOverdueCount (): number {
      return requests.noticeOverdueCount(clock() - deps.noticeOverdueDays * DAY_MS)
    }
  }
}

export type RequestsService = ReturnType<typeof createRequestsService>
