/**
 * Person names, for named-person blocks (DOMAIN.md: when someone else at the address needs mail,
 * the prison blocks "mail to the named victim only").
 *
 * A recipient line is read into the people it names, since any of them may be the protected person:
 * it is split at `&`, `+`, `/`, `;`, `and`, `or`, `c/o`, `FAO` and `Attn`, and at commas between
 * full names ("Mary Smith, John Brown"; a comma after one word is "Smith, Mary", surname first).
 * A note in brackets is read apart from the name around it, so "Mary Smith (Mum)" is Mary Smith
 * (and "Mum", who is nobody's surname or given name). A person of one word before a full name takes
 * its surname ("Mary & John Smith" is Mary Smith and John Smith).
 *
 * Each person is read into words: accents, case, punctuation and lookalike letters folded; titles
 * (Mr, Mrs, Ms, Miss, Mx, Master, Dr ...) dropped, and suffixes and post-nominals (Esq, Jr, BSc,
 * PhD, MBE, QC, KC, RN ...) dropped at the end of a name; hyphenated parts kept together as one word
 * with its parts. Digits and symbols written for letters (Sm1th, M@ry, $mith, J0hn) are read as
 * letters in a word that also holds letters: 0 O, 1 | I or L, 3 E, 4 @ A, 5 $ S, 7 T, 8 B.
 *
 * A recipient meets the protected person when one of the people it names
 *   - has a surname that meets: their last word, or one part of it, is the protected person's
 *     last word or one part of it (Smith-Jones meets Jones; recall comes first), and
 *   - has a given name that meets one of the protected person's: the same word, or an initial of
 *     it (J Doe, J. A. Doe and Anne Doe all meet Jane Anne Doe: people go by a middle name); no
 *     given name on either side never stops a match, only given names that all differ do
 *     (John Doe and Martin Doe are not Mary Doe);
 *   - or is one word that is the surname, a given name or an initial ("Doe", "Jane", "J"), or the
 *     person's names run together ("JaneDoe", "JANEDOE", "DoeJane", "JDoe").
 * Words in the other order ("Doe Jane", no comma) are tried too.
 * A recipient that names nobody (blank, only a title, "The Occupier", "Resident"), or that also
 * writes to whoever lives there ("John Brown or The Occupier"), is no name at all: the caller
 * treats it as blank, and a blank recipient at a named-mode address blocks, to be safe.
 *
 * Bounded: at most MAX_PEOPLE people a line, each of at most MAX_WORDS words.
 * Pure: no I/O, no state.
 */
import { foldText } from './fold.js'

/** One person a name names. */
export interface Person {
  /** given names in order, each a word (a lone letter is an initial) */
  given: string[]
  /** the last word: its whole form and, when hyphenated, each part */
  surname: string[]
}

/** A name as read: the people it names, at least one. */
export interface PersonName {
  people: Person[]
}

export const MAX_PEOPLE = 8
export const MAX_WORDS = 8

const COMBINING_MARKS = /\p{M}+/gu
const APOSTROPHES = /['`\u2018\u2019\u02BC]/gu
const SPACES = /\s+/u
const ALL_SPACES = /\s+/gu
/** Brackets around a note ("(Mum)", "[carer]"): the note is read apart, like another person. */
const NOTE = /[()[\]{}]/gu
/** Where one person ends and the next begins; "c/o" before "/" so that it is one separator. */
const PEOPLE = / ?(?:&|\+|;|\bC ?\/ ?O\b\.?|\/|\bAND\b|\bOR\b|\bF\.?A\.?O\b\.?|\bATTN?\b\.?|\bFOR THE ATTENTION OF\b)[ :.]*/u
/** Anything but letters, spaces, hyphens and `*` (an I or an L, from `1` or `|`: see sameWord). */
const NOT_NAME = /[^A-Z*\s-]+/gu
/** Characters written for letters. */
const LEET: Readonly<Record<string, string>> = {
  0: 'O', 1: '*', '|': '*', 3: 'E', 4: 'A', '@': 'A', 5: 'S', $: 'S', 7: 'T', 8: 'B'
}
const LEET_CHARS = /[0134578@$|]/u
const LETTER = /[A-Z]/u

const TITLES = new Set([
  'MR', 'MRS', 'MS', 'MISS', 'MX', 'MASTER', 'DR', 'DOCTOR', 'REV', 'REVD', 'PROF', 'SIR', 'DAME',
  'LADY', 'LORD'
])
/** Suffixes that are never a name, dropped wherever they stand. */
const SUFFIXES = new Set(['ESQ', 'JR', 'JNR', 'SR', 'SNR', 'MBE', 'OBE', 'CBE', 'KBE', 'DBE', 'PHD'])
/** Post-nominals: degrees, honours, professions; dropped only after the name (MA, BA may be initials). */
const POST_NOMINALS = new Set([
  'BA', 'BSC', 'MA', 'MSC', 'MSCI', 'MPHIL', 'DPHIL', 'MBA', 'LLB', 'LLM', 'BED', 'MED', 'BENG', 'MENG',
  'MD', 'MB', 'CHB', 'BM', 'BS', 'BCH', 'BDS', 'FRCS', 'MRCP', 'MRCGP', 'FRS', 'QC', 'KC', 'JP', 'MP',
  'RN', 'RGN', 'RMN', 'SRN', 'CH', 'OM', 'DL', 'FCA', 'ACA', 'II', 'III', 'IV', 'CPA', 'HONS', 'RETD'
])
/** Words that address no one by name ("The Occupier", "To the Resident", "& Family"). */
const NOBODY = new Set([
  'THE', 'TO', 'OCCUPIER', 'OCCUPIERS', 'OCCUPANT', 'OCCUPANTS', 'HOUSEHOLDER', 'HOUSEHOLDERS',
  'RESIDENT', 'RESIDENTS', 'HOMEOWNER', 'FAMILY', 'ALL', 'WHOM', 'IT', 'MAY', 'CONCERN', 'SIR', 'MADAM'
])
/** Of those, the words that write to whoever lives there, the protected person too. */
const ANYONE = new Set([
  'OCCUPIER', 'OCCUPIERS', 'OCCUPANT', 'OCCUPANTS', 'HOUSEHOLDER', 'HOUSEHOLDERS', 'RESIDENT',
  'RESIDENTS', 'HOMEOWNER', 'CONCERN', 'MADAM'
])

/** A word as written without its full stops ("B.Sc." is BSC), to compare with the lists above. */
const DOTS = /\./gu
const isPostNominal = (token: string) => {
  const plain = token.replace(DOTS, '')
  return POST_NOMINALS.has(plain) || SUFFIXES.has(plain)
}
/** Text of post-nominals only (", B.Sc.", ", PhD MBE"): nothing of a name. */
const onlyPostNominals = (text: string) => text.trim().split(SPACES).every(isPostNominal)

/** Words of one side of a name, titles and suffixes out; each word is its hyphen parts. */
function words (text: string): string[][] {
  // post-nominals at the end, read before the stops inside them ("Ph.D.", "M.B.E.") split them
  const tokens = text.trim().split(SPACES)
  while (tokens.length > 1 && isPostNominal(tokens[tokens.length - 1] ?? '')) tokens.pop()
  const list = tokens.join(' ').replace(NOT_NAME, ' ').split(SPACES)
    .map((word) => word.split('-').filter((part) => part !== '').slice(0, MAX_WORDS - 1))
    .filter((parts) => parts.length > 0 && !TITLES.has(parts.join('')) && !SUFFIXES.has(parts.join('')))
  while (list.length > 1 && POST_NOMINALS.has((list[list.length - 1] ?? []).join(''))) list.pop()
  return list
}

/**
 * The words of one person's part of the line. A comma between two full names makes two people; a
 * comma after one word puts the surname first ("Doe, Jane"); a comma before suffixes only drops them.
 */
function partPeople (part: string): string[][][] {
  const [first = '', ...rest] = part.split(',')
  const kept = [first, ...rest.filter((segment) => !onlyPostNominals(segment))]
  const segments = kept.map(words).filter((segment) => segment.length > 0)
  if (segments.length >= 2 && segments.every((segment) => segment.length >= 2)) return segments
  if (kept.length === 1) return [words(first)]
  return [[...words(kept.slice(1).join(' ')), ...words(first)]]
}

/** The line with digits and symbols in words read as letters (`Sm1th`, `M@ry`); see the header. */
function leetFolded (text: string): string {
  return text.split(' ').map((word) => LETTER.test(word) && LEET_CHARS.test(word) ? [...word].map((c) => LEET[c] ?? c).join('') : word).join(' ')
}

/** Adds the people of one reading of the line; false when a part writes to whoever lives there. */
function readPeople (text: string, into: Person[]): boolean {
  const people: string[][][] = []
  for (const part of text.split(PEOPLE)) {
    for (const person of partPeople(part)) {
      const named = person.filter((parts) => !NOBODY.has(parts.join('')))
      if (named.length === 0 && person.some((parts) => ANYONE.has(parts.join('')))) return false
      if (named.length > 0) people.push(named.slice(-MAX_WORDS))
    }
  }
  for (const [i, person] of people.entries()) {
    // "Mary & John Smith": a one-word person before a full name takes its surname
    const next = people.slice(i + 1).find((other) => other.length >= 2)
    const last = next?.[next.length - 1]
    const full = person.length === 1 && last !== undefined ? [...person, last] : person
    const surname = full[full.length - 1] ?? []
    const read: Person = {
      given: full.slice(0, -1).map((parts) => parts.join('')),
      surname: surname.length > 1 ? [surname.join(''), ...surname] : [surname.join('')]
    }
    if (into.length < MAX_PEOPLE && !into.some((known) => samePersonRead(known, read))) into.push(read)
  }
  return true
}

function samePersonRead (a: Person, b: Person): boolean {
  return a.given.join(' ') === b.given.join(' ') && a.surname.join(' ') === b.surname.join(' ')
}

/** The people a name names, or null when it names nobody (blank, titles only, "The Occupier"). */
export function parsePersonName (raw: string): PersonName | null {
  const plain = foldText(raw).normalize('NFD').replace(COMBINING_MARKS, '').toUpperCase()
    .replace(APOSTROPHES, '').replace(ALL_SPACES, ' ').replace(NOTE, ';')
  const people: Person[] = []
  if (!readPeople(LEET_CHARS.test(plain) ? leetFolded(plain) : plain, people)) return null
  return people.length === 0 ? null : { people }
}

/** An I or an L, or the `*` that stands for either. */
const eitherIL = (c: string) => c === 'I' || c === 'L' || c === '*'

/** The same word, a `*` (from `1` or `|`) standing for I or L. */
function sameWord (a: string, b: string): boolean {
  if (a === b) return true
  if (a.length !== b.length || (!a.includes('*') && !b.includes('*'))) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string
    const y = b[i] as string
    if (x !== y && !((x === '*' && eitherIL(y)) || (y === '*' && eitherIL(x)))) return false
  }
  return true
}

/** The same word, or one of them is the other's initial. */
function givenMeets (a: string, b: string): boolean {
  if (sameWord(a, b)) return true
  return (a.length === 1 && sameWord(a, b.slice(0, 1))) || (b.length === 1 && sameWord(b, a.slice(0, 1)))
}

const surnameMeets = (person: Person, forms: string[]) => forms.some((form) => person.surname.some((own) => sameWord(own, form)))

function meets (person: Person, recipient: Person): boolean {
  if (!surnameMeets(person, recipient.surname)) return false
  // no given name on either side: the surname decides
  if (person.given.length === 0 || recipient.given.length === 0) return true
  return recipient.given.some((word) => person.given.some((name) => givenMeets(word, name)))
}

/** The person's names run together: "JANEDOE", "DOEJANE", "JDOE", "JANEANNEDOE" ... */
function runTogether (person: Person): string[] {
  const out: string[] = []
  const all = person.given.join('')
  for (const surname of person.surname) {
    if (all !== '') out.push(all + surname, surname + all)
    for (const name of person.given) out.push(name + surname, surname + name, name.slice(0, 1) + surname)
  }
  return out
}

function mayBe (person: Person, recipient: Person): boolean {
  const word = recipient.surname[0] ?? ''
  if (recipient.given.length === 0) {
    // one word: a surname ("Mrs Doe"), a given name ("Jane") or an initial ("J"), or run together
    return surnameMeets(person, recipient.surname) || person.given.some((name) => givenMeets(word, name)) ||
      runTogether(person).some((joined) => sameWord(joined, word))
  }
  if (meets(person, recipient)) return true
  // "Doe Jane" without a comma: the first word as the surname
  const [surname, ...given] = [recipient.given[0] ?? '', ...recipient.given.slice(1), word]
  if (meets(person, { given, surname: [surname] })) return true
  // "Mary SmithJones", "MARY SMITH" split oddly: the words run together
  const joined = [...recipient.given, word].join('')
  return runTogether(person).some((form) => sameWord(form, joined))
}

/** Does a letter to `recipient` go to `person`? Both already read; see the header for the rules. */
export function samePerson (person: PersonName, recipient: PersonName): boolean {
  return person.people.some((own) => recipient.people.some((other) => mayBe(own, other)))
}

/**
 * Whether mail to `recipient` must be held at an address blocked for `person` only: when the
 * recipient names nobody (blank, "The Occupier") or may be the person.
 */
export function recipientMayBe (person: PersonName | null, recipient: string | undefined): boolean {
  if (person === null) return true
  const name = recipient === undefined ? null : parsePersonName(recipient)
  return name === null || samePerson(person, name)
}
