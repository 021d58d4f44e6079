/**
 * Person names, for named-person blocks: when someone else at the address needs mail, the prison
 * blocks "mail to the named victim only" (docs/MATCHING.md, Named-person blocks).
 *
 * A recipient line is read into the people it names, since any of them may be the protected person.
 * Words of address and prose are no one's name and stand between people: to, my, dear, darling,
 * love, for, pass, please, give, with, from, hi, and kisses (x, xx, xo ...), so "To my darling Jane"
 * names Jane and "John Brown, pass to Jane" names John Brown and Jane, each read on their own. Then
 * the line is split at `&`, `+`, `/`, `;`, `and`, `or`, `aka`, `c/o`, `FAO` and `Attn`, and at commas
 * between full names ("Mary Smith, John Brown") or in a list of three or more (a single comma after
 * one word is "Smith, Mary", surname first). `nee`, `née`, `né`, `formerly` and `born` give the person before them another surname
 * ("Jane Smith (nee Doe)" is Jane Smith and Jane Doe).
 * A note in brackets is read apart from the name around it, so "John Brown [Mary Smith]" is John Brown
 * and Mary Smith; a note of kinship after a name says who that person is ("Mary Smith (Mum)" is Mary
 * Smith). A person of one word before a full name takes its surname ("Mary & John Smith" is Mary Smith
 * and John Smith).
 *
 * A person named by a word of kinship alone or last ("Mum", "Nan", "Sam Doe & Mother", "Sam Doe's
 * Mum"), or everyone of a household ("Sam Doe and family", "& all"), may be anyone, the protected
 * person too: a prisoner's mother may be the victim. Such a person is read with no names at all and
 * meets every protected person. Before a name, kinship is a title ("Grandma Doe", "Auntie Jane").
 * Given names after Mrs may be her husband's ("Mrs John Doe"), so for such a person the surname
 * decides. A surname in the plural after The ("The Does", "The Joneses") is the family of that name.
 *
 * Each person is read into words: accents, case, punctuation and lookalike letters folded; titles
 * (Mr, Mrs, Ms, Miss, Mx, Master, Dr ...) dropped, and suffixes and post-nominals (Esq, Jr, BSc,
 * PhD, MBE, QC, KC, RN ...) dropped at the end of a name; hyphenated parts kept together as one word
 * with its parts, so a hyphenated name meets on either part (Jane-Marie is Jane, Smith-Jones is
 * Jones). Digits and symbols written for letters (Sm1th, M@ry, $mith, J0hn) are read as letters in
 * a word that also holds letters: 0 O, 1 | I or L, 3 E, 4 @ A, 5 $ S, 7 T, 8 B.
 *
 * A recipient meets the protected person when one of the people it names
 *   - has a surname that meets: their last word, or one part of it, is the protected person's
 *     last word or one part of it (Smith-Jones meets Jones; recall comes first), and
 *   - has a given name that meets one of the protected person's: the same word, or an initial of
 *     it (J Doe, J. A. Doe and Anne Doe all meet Jane Anne Doe: people go by a middle name); no
 *     given name on either side never stops a match, only given names that all differ do
 *     (John Doe and Martin Doe are not Mary Doe);
 *   - or has one of those two with one slip in the other: a letter dropped (Jne, Jane Do) or one
 *     added inside the name (Jayne, Janie), in a name of four letters or more; a surname of three
 *     letters meets only its first two (Doe, Do). A changed letter or one added at the end is
 *     another name (Mark and Mary, Smyth and Smith, Janet and Jane);
 *   - or has a full given name of hers and the initial of her surname (Jane D.);
 *   - or is one word that is the surname, a given name or an initial ("Doe", "Jane", "J"), or a
 *     slip of one of those names, or the person's names run together ("JaneDoe", "JANEDOE",
 *     "DoeJane", "JDoe").
 * Words in the other order ("Doe Jane", no comma) are tried too.
 * A recipient that names nobody (blank, only a title, "The Occupier", "Resident"), or that also
 * writes to whoever lives there ("John Brown or The Occupier"), is no name at all: the caller
 * treats it as blank, and a blank recipient at a named-mode address blocks, to be safe.
 *
 * Bounded: at most MAX_PEOPLE people a line, each of at most MAX_WORDS words: more than a line of 200
 * characters can hold (a person, or a word, is at least one letter and the next a separator), so no
 * one a line names goes unread. Reading is linear in the line; a comparison costs at most the
 * product of the words of the two names.
 * Pure: no I/O, no state.
 */
import { foldText } from './fold.js'

/** One person a name names. */
export interface Person {
  /** given names in order, each a word (a lone letter is an initial) */
  given: string[]
  /** the last word: its whole form and, when hyphenated, each part; none for someone named by kin alone */
  surname: string[]
  /** given names that may be another's ("Mrs John Doe", John Doe's wife): the surname decides */
  husband?: true
}

/** A name as read: the people it names, at least one. */
export interface PersonName {
  people: Person[]
}

export const MAX_PEOPLE = 100
export const MAX_WORDS = 100

const COMBINING_MARKS = /\p{M}+/gu
const APOSTROPHES = /['`\u2018\u2019\u02BC]/gu
const SPACES = /\s+/u
const ALL_SPACES = /\s+/gu
/** Brackets around a note ("(Mum)", "[carer]"): the note is read apart, like another person. */
const NOTE = /[()[\]{}]/gu
/** A note in brackets after a name: "John Brown (Dad)". */
const NOTE_AFTER = /([^\s()[\]{}])\s?[([{]([^()[\]{}]*)[)\]}]/gu
/** Words a kinship note may hold besides kinship ("(his mum)"). */
const OWNER = new Set(['MY', 'HIS', 'HER', 'THEIR', 'OUR'])
/** A kinship note after a name says who that person is ("John Brown (Dad)"): dropped, not another person. */
function kinNote (note: string, before: string, inner: string): string {
  const words = inner.trim().split(SPACES)
  return words.some((word) => KIN.has(word)) && words.every((word) => KIN.has(word) || OWNER.has(word)) ? before : note
}
/** Where one person ends and the next begins; "c/o" before "/" so that it is one separator. */
const PEOPLE = / ?(?:&|\+|;|\bC ?\/ ?O\b\.?|\/|\bAND\b|\bOR\b|\bAKA\b|\bF\.?A\.?O\b\.?|\bATTN?\b\.?)[ :.]*/u
/**
 * Words of address and prose, and kisses (X, XX, XO, XOXO): no one's name, and a hard break between
 * people ("Jane, with love from John Brown" is read as Jane, then John Brown).
 */
const PROSE = /\b(?:FOR THE ATTENTION OF|TO|MY|OUR|DEAR|DEAREST|DARLING|LOVE|LOVELY|LOVING|SWEET|SWEETHEART|BELOVED|FOR|PASS|PASSED|PLEASE|PLS|GIVE|GIVEN|WITH|FROM|HI|HELLO|O*X[XO]*)\b/u
/** Words that give the person before them another surname: "Jane Smith (nee Doe)". */
const FORMERLY = /\b(?:NEE|NE|FORMERLY|BORN)\b[ :.]*/gu
/** The mark FORMERLY leaves: what follows it, to the next separator, is another surname. */
const ALSO = '~'
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
/**
 * Words of kinship. Before a name they are a title ("Grandma Doe", "Auntie Jane"); as the last word
 * of a person ("Mum", "Sam Doe's Mum", "Sam Doe & Mother") they name someone the writer knows by
 * kin alone, who may be the protected person.
 */
const KIN = new Set([
  'MUM', 'MUMMY', 'MOM', 'MOMMY', 'MOTHER', 'MAM', 'MAMMY', 'MAMA', 'MAMMA', 'MUMMA', 'NAN', 'NANA',
  'NANNA', 'NANNY', 'NANNAN', 'GRAN', 'GRANNY', 'GRANNIE', 'GRANDMA', 'GRANDMOTHER', 'GRANDMAMA', 'NANAN',
  'AUNTIE', 'AUNTY', 'AUNT', 'SISTER', 'SIS', 'WIFE', 'DAUGHTER', 'STEPMUM', 'STEPMOTHER', 'GODMOTHER',
  'DAD', 'DADDY', 'FATHER', 'PAPA', 'GRANDAD', 'GRANDDAD', 'GRANDPA', 'GRANDFATHER', 'GRAMPS',
  'UNCLE', 'BROTHER', 'BRO', 'SON', 'HUSBAND', 'STEPDAD', 'STEPFATHER', 'GODFATHER',
  'GRANDSON', 'GRANDDAUGHTER', 'NIECE', 'NEPHEW', 'COUSIN', 'PARTNER', 'FIANCEE', 'FIANCE', 'STEPSISTER',
  'STEPBROTHER', 'STEPSON', 'STEPDAUGHTER', 'INLAW', 'INLAWS', 'PARENT', 'PARENTS', 'GRANDPARENTS'
])
/** Words that address no one by name ("The Occupier", "To the Resident", "& Family"). */
const NOBODY = new Set([
  'THE', 'TO', 'OCCUPIER', 'OCCUPIERS', 'OCCUPANT', 'OCCUPANTS', 'HOUSEHOLDER', 'HOUSEHOLDERS',
  'RESIDENT', 'RESIDENTS', 'HOMEOWNER', 'FAMILY', 'ALL', 'WHOM', 'IT', 'MAY', 'CONCERN', 'SIR', 'MADAM'
])
/** Of those, the words that write to everyone of a household, the protected person too ("& Family"). */
const EVERYONE = new Set(['FAMILY', 'FAMILIES', 'ALL', 'HOUSEHOLD'])
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

/** The title kept in a person's words, for "Mrs John Doe" (see Person.husband). */
const MRS = 'MRS'

/** Words of one side of a name, titles but Mrs and suffixes out; each word is its hyphen parts. */
function words (text: string): string[][] {
  // post-nominals at the end, read before the stops inside them ("Ph.D.", "M.B.E.") split them
  const tokens = text.trim().split(SPACES)
  while (tokens.length > 1 && isPostNominal(tokens[tokens.length - 1] ?? '')) tokens.pop()
  const list = tokens.join(' ').replace(NOT_NAME, ' ').split(SPACES)
    .map((word) => word.split('-').filter((part) => part !== '').slice(0, MAX_WORDS - 1))
    .filter((parts) => parts.length > 0 && (parts.join('') === MRS || !TITLES.has(parts.join(''))) && !SUFFIXES.has(parts.join('')))
  while (list.length > 1 && POST_NOMINALS.has((list[list.length - 1] ?? []).join(''))) list.pop()
  return list
}

/**
 * The words of one person's part of the line. A comma between two full names makes two people, and
 * so does every comma of a list of three or more; one comma after one word puts the surname first
 * ("Doe, Jane"); a comma before suffixes only drops them.
 */
function partPeople (part: string): string[][][] {
  const [first = '', ...rest] = part.split(',')
  const kept = [first, ...rest.filter((segment) => !onlyPostNominals(segment))]
  const all = kept.map(words).filter((segment) => segment.length > 0)
  // "Sam Doe, Mum": a segment of kin alone is a person of its own
  const kin = all.filter((segment) => segment.every((parts) => KIN.has(parts.join(''))))
  if (kin.length > 0 && kin.length < all.length) return [...partPeople(kept.filter((segment) => !words(segment).every((parts) => KIN.has(parts.join('')))).join(',')), ...kin]
  const segments = all
  if (segments.length >= 3 || (segments.length === 2 && segments.every((segment) => segment.length >= 2))) return segments
  if (kept.length === 1) return [words(first)]
  return [[...words(kept.slice(1).join(' ')), ...words(first)]]
}

/** The line with digits and symbols in words read as letters (`Sm1th`, `M@ry`); see the header. */
function leetFolded (text: string): string {
  return text.split(' ').map((word) => LETTER.test(word) && LEET_CHARS.test(word) ? [...word].map((c) => LEET[c] ?? c).join('') : word).join(' ')
}

/** A person's words, the other surnames a `nee` note or a plural gave them, and whether Mrs stood before them. */
interface Named {
  words: string[][]
  also: string[][]
  husband: boolean
}

const isKin = (parts: string[]) => KIN.has(parts.join(''))
/** Someone named by kin alone, or everyone of a household: may be anyone, the protected person too. */
const ANYBODY: Named = { words: [], also: [], husband: false }

/**
 * A person of the line as written: kinship last ("Mum", "Sam Doe's Mum") is someone known by kin
 * alone; kinship before a name is a title ("Grandma Doe"); Mrs before given names makes them
 * possibly her husband's; "The Does", "The Joneses" are the Doe and the Jones family.
 */
function named (person: string[][]): Named | null {
  const kept = person.filter((parts) => !NOBODY.has(parts.join('')))
  const last = kept[kept.length - 1]
  if (last !== undefined && isKin(last)) return ANYBODY
  const words = kept.filter((parts) => !isKin(parts) && parts.join('') !== MRS)
  if (words.length === 0) return person.some((parts) => EVERYONE.has(parts.join(''))) ? ANYBODY : null
  const husband = words.length > 1 && kept.some((parts) => parts.join('') === MRS)
  const also: string[][] = []
  const surname = words[words.length - 1] ?? []
  const end = surname[surname.length - 1] ?? ''
  if (words.length === 1 && person[0]?.join('') === 'THE' && end.endsWith('S')) {
    also.push([...surname.slice(0, -1), end.slice(0, -1)])
    if (end.endsWith('ES')) also.push([...surname.slice(0, -1), end.slice(0, -2)])
  }
  return { words: words.slice(-MAX_WORDS), also, husband }
}

/** The forms of a surname: the whole word and, when hyphenated, each part. */
const surnameForms = (parts: string[]) => parts.length > 1 ? [parts.join(''), ...parts] : [parts.join('')]

/**
 * Adds the people of one stretch of the line between words of address; false when a part writes
 * to whoever lives there.
 */
function readStretch (text: string, into: Person[], seen: Set<string>): boolean {
  const people: Named[] = []
  for (const part of text.split(PEOPLE)) {
    const [main = '', ...formerly] = part.split(ALSO)
    for (const person of partPeople(main)) {
      const read = named(person)
      if (read === null && person.some((parts) => ANYONE.has(parts.join('')))) return false
      if (read !== null) people.push(read)
    }
    // "(nee Doe)": another surname for the person before it, or a person of that surname alone
    const also = formerly.flatMap(words).filter((parts) => parts.join('') !== MRS)
    if (also.length === 0) continue
    const last = people[people.length - 1]
    if (last === undefined || last === ANYBODY) people.push({ words: also.slice(-1), also: [], husband: false })
    else last.also.push(...also.slice(0, MAX_WORDS))
  }
  // "Mary & John Smith": a one-word person before a full name takes its surname (from the right)
  let nextSurname: string[] | undefined
  const full = people.map(() => [] as string[][])
  for (let i = people.length - 1; i >= 0; i--) {
    const person = people[i] as Named
    if (person === ANYBODY) continue
    full[i] = person.words.length === 1 && nextSurname !== undefined ? [...person.words, nextSurname] : person.words
    if (person.words.length >= 2) nextSurname = person.words[person.words.length - 1]
  }
  for (const [i, person] of people.entries()) {
    const name = full[i] ?? []
    const read: Person = {
      // a hyphenated given name is also each of its parts ("Jane-Marie" is Jane and Marie)
      given: name.slice(0, -1).flatMap(surnameForms),
      surname: person === ANYBODY ? [] : [...surnameForms(name[name.length - 1] ?? []), ...person.also.flatMap(surnameForms)]
    }
    if (person.husband) read.husband = true
    const key = read.given.join(' ') + '|' + read.surname.join(' ') + '|' + String(person.husband)
    if (into.length < MAX_PEOPLE && !seen.has(key)) {
      seen.add(key)
      into.push(read)
    }
  }
  return true
}

/** Adds the people of one reading of the line; false when it writes to whoever lives there. */
function readPeople (text: string, into: Person[]): boolean {
  const seen = new Set<string>()
  const marked = text.replaceAll(ALSO, ' ').replace(FORMERLY, ALSO)
  return marked.split(PROSE).every((stretch) => readStretch(stretch, into, seen))
}

/** The people a name names, or null when it names nobody (blank, titles only, "The Occupier"). */
export function parsePersonName (raw: string): PersonName | null {
  const plain = foldText(raw).normalize('NFD').replace(COMBINING_MARKS, '').toUpperCase()
    .replace(APOSTROPHES, '').replace(ALL_SPACES, ' ').replace(NOTE_AFTER, kinNote).replace(NOTE, ';')
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

/** Is `short` the word `long` with one letter taken out? */
function oneDropped (long: string, short: string): boolean {
  if (long.length !== short.length + 1) return false
  let i = 0
  while (i < short.length && long[i] === short[i]) i++
  return long.slice(i + 1) === short.slice(i)
}

/**
 * Is `written` the name `own` with one slip: a letter dropped (Jne, Jan), or one added inside it
 * (Jayne, Janie; not at either end: Janet is another name), in a name of four letters or more; a
 * name of three letters meets only its first two as a surname (Do for Doe). A changed letter is
 * another name (Mark and Mary).
 */
function slipOf (written: string, own: string, surname: boolean): boolean {
  if (own.length >= 4) {
    if (oneDropped(own, written)) return true
    return oneDropped(written, own) && written[0] === own[0] && written[written.length - 1] === own[own.length - 1]
  }
  return surname && own.length === 3 && written === own.slice(0, 2)
}

const surnameMeets = (person: Person, forms: string[]) => forms.some((form) => person.surname.some((own) => sameWord(own, form)))
const surnameSlip = (person: Person, forms: string[]) => forms.some((form) => person.surname.some((own) => slipOf(form, own, true)))
const givenNameMeets = (person: Person, given: string[]) => given.some((word) => person.given.some((name) => givenMeets(word, name)))
const givenSlip = (person: Person, given: string[]) => given.some((word) => person.given.some((name) => slipOf(word, name, false)))

function meets (person: Person, recipient: Person): boolean {
  const surname = surnameMeets(person, recipient.surname)
  const noGiven = person.given.length === 0 || recipient.given.length === 0
  // no given name on either side: the surname decides
  if (surname && (noGiven || givenNameMeets(person, recipient.given))) return true
  if (noGiven) return false
  // one slip, in the given name or in the surname, while the other meets
  if (surname) return givenSlip(person, recipient.given)
  if (givenNameMeets(person, recipient.given) && surnameSlip(person, recipient.surname)) return true
  // "Jane D.": a full given name of hers and the initial of her surname
  const initial = recipient.surname[0] ?? ''
  return initial.length === 1 && person.surname.some((own) => own.startsWith(initial)) &&
    recipient.given.some((word) => word.length > 1 && person.given.some((name) => sameWord(word, name)))
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

/** `joined`: the person's names run together (see runTogether), made once for every recipient. */
function mayBe (person: Person, joined: string[], recipient: Person): boolean {
  const word = recipient.surname[0] ?? ''
  if (recipient.given.length === 0) {
    // one word: a surname ("Mrs Doe"), a given name ("Jane") or an initial ("J"), or a slip of one,
    // or run together
    return surnameMeets(person, recipient.surname) || person.given.some((name) => givenMeets(word, name)) ||
      surnameSlip(person, recipient.surname) || person.given.some((name) => slipOf(word, name, false)) ||
      joined.some((form) => sameWord(form, word))
  }
  if (meets(person, recipient)) return true
  // "Mrs John Doe": the given names may be her husband's, so the surname decides
  if (recipient.husband === true && surnameMeets(person, recipient.surname)) return true
  // "Doe Jane" without a comma: the first word as the surname
  const [surname, ...given] = [recipient.given[0] ?? '', ...recipient.given.slice(1), word]
  if (meets(person, { given, surname: [surname] })) return true
  // "Mary SmithJones", "MARY SMITH" split oddly: the words run together
  const together = [...recipient.given, word].join('')
  return joined.some((form) => sameWord(form, together))
}

/** Does a letter to `recipient` go to `person`? Both already read; see the header for the rules. */
export function samePerson (person: PersonName, recipient: PersonName): boolean {
  return person.people.some((own) => {
    const joined = runTogether(own)
    // someone named by kin alone ("Mum"), or everyone of a household ("& family"), may be anyone
    return recipient.people.some((other) => other.surname.length === 0 || mayBe(own, joined, other))
  })
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

/**
 * Does a name read from free text (a window of a few words of a reason) name the person? As
 * samePerson, with two differences for prose: a word of kinship alone ("Mum") names no one in
 * particular, and a lone word must be one of the person's names written in full (the surname or a
 * part of it, a given name of two letters or more, or the names run together), since an initial or
 * a slip of one word is a common word in a sentence ("J", "Do" for Doe). Two words or more meet as
 * in samePerson: initials, one slip, the other order.
 */
export function namedIn (person: PersonName, written: PersonName): boolean {
  return person.people.some((own) => {
    const joined = runTogether(own)
    return written.people.some((other) => {
      if (other.surname.length === 0) return false
      if (other.given.length > 0) return mayBe(own, joined, other)
      // the word and, when hyphenated, each part ("JaneDoe-2026")
      return surnameMeets(own, other.surname) || other.surname.some((word) =>
        own.given.some((name) => name.length > 1 && sameWord(word, name)) || joined.some((form) => sameWord(form, word)))
    })
  })
}

/**
 * Could one word of free text be part of a name that meets the person: one of the person's names
 * or a part of one, an initial, one slip of one, or the names run together? Cheap, so that a
 * reason's words are tried one by one before any window of them is read as a name (namedIn).
 */
export function wordMayName (person: PersonName, raw: string): boolean {
  const plain = foldText(raw).normalize('NFD').replace(COMBINING_MARKS, '').toUpperCase().replace(APOSTROPHES, '')
  const parts = (LEET_CHARS.test(plain) ? leetFolded(plain) : plain).replace(NOT_NAME, ' ').split(WORD_PARTS).filter((part) => part !== '')
  return parts.some((part) => person.people.some((own) =>
    [...own.given, ...own.surname].some((name) => givenMeets(part, name) || slipOf(part, name, true)) ||
    runTogether(own).some((form) => sameWord(form, part))))
}

const WORD_PARTS = /[\s-]+/u
