/**
 * The matching evaluation: every case of test/fixtures/match/{phones,emails,addresses}*.json
 * goes through the real API path. One daemon is built with buildApp on a temporary SQLite file; for
 * each case an entry holding `a` is created with POST /v1/entries (scope prisoner, a prisoner number
 * of its own, so that cases never see each other's entries) and `b` is checked with POST /v1/check
 * for that prisoner. A block is a match.
 *
 * Recall and precision count the cases that are not marked debatable; debatable cases are counted
 * and listed apart. Used by `npm run eval` (scripts/eval.ts) and by test/eval.test.ts.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import type { AddressObject, ContactKind } from '../src/domain/detail-keys.js'

export interface MatchCase {
  /** how the block was entered */
  a: string | AddressObject
  /** how the contact is attempted */
  b: string | AddressObject
  /** must the attempt be blocked */
  same: boolean
  /** the rule the case shows, and for a debatable case why it is debatable */
  rule: string
  debatable?: boolean
  /** named-person block: the entry's protected person (addresses only) */
  protectedPerson?: string
  /** the attempt's recipient (addresses only) */
  recipient?: string
}

export const KINDS: readonly ContactKind[] = ['phone', 'email', 'address']

/** Each kind's cases: every file named for it (`addresses.json`, `addresses-named.json` ...), in name order. */
const FILE_PREFIX: Record<ContactKind, string> = { phone: 'phones', email: 'emails', address: 'addresses' }
const FIXTURES = fileURLToPath(new URL('../test/fixtures/match/', import.meta.url))

export function loadCorpus (): Record<ContactKind, MatchCase[]> {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.json')).sort()
  const read = (kind: ContactKind) => files
    .filter((name) => name === `${FILE_PREFIX[kind]}.json` || name.startsWith(`${FILE_PREFIX[kind]}-`))
    .flatMap((name) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as MatchCase[])
  return { phone: read('phone'), email: read('email'), address: read('address') }
}

export interface CaseOutcome {
  kind: ContactKind
  index: number
  case: MatchCase
  /** the attempt was blocked */
  blocked: boolean
  /** set when the entry could not be created (it then blocks nothing) */
  refused: string | null
}

export interface KindScore {
  kind: ContactKind
  cases: number
  truePositives: number
  falsePositives: number
  falseNegatives: number
  trueNegatives: number
  /** of the attempts that must be blocked, the share that was (1 when there are none) */
  recall: number
  /** of the attempts that were blocked, the share that had to be (1 when none was) */
  precision: number
  failing: CaseOutcome[]
  debatable: { cases: number, agreeing: number, disagreeing: CaseOutcome[] }
}

const FIELDS: Record<ContactKind, 'phones' | 'emails' | 'addresses'> = { phone: 'phones', email: 'emails', address: 'addresses' }
const CHANNELS: Record<ContactKind, string> = { phone: 'phone', email: 'email', address: 'mail' }
const PRISONER_LETTER: Record<ContactKind, string> = { phone: 'P', email: 'E', address: 'D' }
const TOKEN = 'match-eval-778beec77b772589c6a8f9cf'

/** A prisoner number of its own for each case: P0001AA, E0001AA, D0001AA ... */
function prisonerFor (kind: ContactKind, index: number): string {
  return `${PRISONER_LETTER[kind]}${String(index).padStart(4, '0')}AA`
}

/** Runs every case through a freshly built daemon; the temporary store is removed afterwards. */
export async function runCases (corpus: Record<ContactKind, MatchCase[]>): Promise<CaseOutcome[]> {
  const dir = mkdtempSync(join(tmpdir(), 'upc-match-eval-'))
  const config = loadConfig({
    UPC_DB: join(dir, 'eval.db'),
    UPC_ESTABLISHMENT: 'HLI',
    UPC_TOKENS: JSON.stringify([{ name: 'match-eval', roles: ['admin', 'check'], token: TOKEN }]),
    UPC_LOG_LEVEL: 'silent'
  })
  const app = await buildApp(config, { hashKey: Buffer.alloc(32, 9), logger: pino({ level: 'silent' }) })
  const headers = { authorization: `Bearer ${TOKEN}` }
  const outcomes: CaseOutcome[] = []
  try {
    for (const kind of KINDS) {
      for (const [index, matchCase] of corpus[kind].entries()) {
        const prisoner = prisonerFor(kind, index)
        const named = matchCase.protectedPerson === undefined ? {} : { addressMode: 'named', protectedPerson: matchCase.protectedPerson }
        const created = await app.inject({
          method: 'POST',
          url: '/v1/entries',
          headers,
          payload: { scope: 'prisoner', prisoner, [FIELDS[kind]]: [matchCase.a], reason: 'match evaluation', ...named }
        })
        const refused = created.statusCode === 201 ? null : `entry refused: ${created.statusCode} ${String(created.json().message)}`
        const checked = await app.inject({
          method: 'POST',
          url: '/v1/check',
          headers,
          payload: {
            channel: CHANNELS[kind],
            prisoner,
            [kind]: matchCase.b,
            ...(matchCase.recipient === undefined ? {} : { recipient: matchCase.recipient })
          }
        })
        if (checked.statusCode !== 200) throw new Error(`check of ${kind} case ${index} answered ${checked.statusCode}: ${checked.body}`)
        outcomes.push({ kind, index, case: matchCase, blocked: checked.json().decision === 'block', refused })
      }
    }
  } finally {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return outcomes
}

export function scoreOutcomes (outcomes: readonly CaseOutcome[]): Record<ContactKind, KindScore> {
  const scores = {} as Record<ContactKind, KindScore>
  for (const kind of KINDS) {
    const mine = outcomes.filter((outcome) => outcome.kind === kind)
    const plain = mine.filter((outcome) => outcome.case.debatable !== true)
    const debatable = mine.filter((outcome) => outcome.case.debatable === true)
    const count = (same: boolean, blocked: boolean) =>
      plain.filter((outcome) => outcome.case.same === same && outcome.blocked === blocked).length
    const truePositives = count(true, true)
    const falsePositives = count(false, true)
    const falseNegatives = count(true, false)
    const disagreeing = debatable.filter((outcome) => outcome.case.same !== outcome.blocked)
    scores[kind] = {
      kind,
      cases: mine.length,
      truePositives,
      falsePositives,
      falseNegatives,
      trueNegatives: count(false, false),
      recall: truePositives + falseNegatives === 0 ? 1 : truePositives / (truePositives + falseNegatives),
      precision: truePositives + falsePositives === 0 ? 1 : truePositives / (truePositives + falsePositives),
      failing: plain.filter((outcome) => outcome.case.same !== outcome.blocked),
      debatable: { cases: debatable.length, agreeing: debatable.length - disagreeing.length, disagreeing }
    }
  }
  return scores
}

export async function evaluate (corpus = loadCorpus()): Promise<Record<ContactKind, KindScore>> {
  return scoreOutcomes(await runCases(corpus))
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`
const show = (value: string | AddressObject) => JSON.stringify(value)

function describe (outcome: CaseOutcome): string {
  const { case: c } = outcome
  const verdict = outcome.blocked ? 'blocked, must not be' : 'allowed, must be blocked'
  const who = c.recipient === undefined ? '' : ` to ${show(c.recipient)} (named block on ${show(c.protectedPerson ?? '')})`
  const refused = outcome.refused === null ? '' : ` [${outcome.refused}]`
  return `  #${outcome.index} ${verdict}: a=${show(c.a)} b=${show(c.b)}${who}${refused}\n     rule: ${c.rule}`
}

/** A case's class: its rule up to the first colon ("separators: underscore" is in class "separators"). */
export function classOf (matchCase: MatchCase): string {
  const colon = matchCase.rule.indexOf(':')
  return (colon === -1 ? matchCase.rule : matchCase.rule.slice(0, colon)).trim()
}

export interface ClassScore { kind: ContactKind, name: string, cases: number, mustMeet: number, met: number, mustNotMeet: number, wronglyMet: number }

/** Recall and precision by class, for the cases that are not debatable, in the order the classes first appear. */
export function scoreClasses (outcomes: readonly CaseOutcome[]): ClassScore[] {
  const classes = new Map<string, ClassScore>()
  for (const outcome of outcomes) {
    if (outcome.case.debatable === true) continue
    const name = classOf(outcome.case)
    const id = `${outcome.kind}|${name}`
    const score = classes.get(id) ?? { kind: outcome.kind, name, cases: 0, mustMeet: 0, met: 0, mustNotMeet: 0, wronglyMet: 0 }
    score.cases++
    if (outcome.case.same) {
      score.mustMeet++
      if (outcome.blocked) score.met++
    } else {
      score.mustNotMeet++
      if (outcome.blocked) score.wronglyMet++
    }
    classes.set(id, score)
  }
  return [...classes.values()]
}

/** The per-class table: recall over the cases that must meet, precision over the blocked ones. */
export function formatClasses (classes: readonly ClassScore[]): string {
  const lines = ['kind     class                                    cases  recall   precision']
  for (const c of classes) {
    const recall = c.mustMeet === 0 ? '-' : percent(c.met / c.mustMeet)
    const blocked = c.met + c.wronglyMet
    const precision = blocked === 0 ? '-' : percent(c.met / blocked)
    lines.push(`${c.kind.padEnd(8)} ${c.name.slice(0, 40).padEnd(40)} ${String(c.cases).padStart(5)}  ${recall.padStart(6)}   ${precision.padStart(6)}`)
  }
  return lines.join('\n')
}

/** The report `npm run eval` prints: figures per kind, then the failing cases, debatable ones apart. */
export function formatReport (scores: Record<ContactKind, KindScore>): string {
  const lines: string[] = ['kind     cases  recall   precision  TP   FP  FN   TN   debatable (agree/all)']
  for (const kind of KINDS) {
    const s = scores[kind]
    lines.push(`${kind.padEnd(8)} ${String(s.cases).padStart(5)}  ${percent(s.recall).padStart(6)}   ${percent(s.precision).padStart(6)}  ` +
      `${String(s.truePositives).padStart(4)} ${String(s.falsePositives).padStart(3)} ${String(s.falseNegatives).padStart(3)} ${String(s.trueNegatives).padStart(4)}   ` +
      `${s.debatable.agreeing}/${s.debatable.cases}`)
  }
  for (const kind of KINDS) {
    const s = scores[kind]
    if (s.failing.length > 0) lines.push('', `${kind}: failing cases (${s.failing.length})`, ...s.failing.map(describe))
    if (s.debatable.disagreeing.length > 0) {
      lines.push('', `${kind}: debatable cases decided the other way (${s.debatable.disagreeing.length})`, ...s.debatable.disagreeing.map(describe))
    }
  }
  return lines.join('\n')
}
