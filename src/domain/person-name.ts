/**
 * Person names, for named-person blocks (issue 4; DOMAIN.md: when someone else at the address needs
 * mail, the prison blocks "mail to the named victim only").
 *
 * A name is read into words: accents, case, punctuation and lookalike letters folded; titles (Mr,
 * Mrs, Ms, Miss, Mx, Master, Dr ...) and a few suffixes (Esq, Jr, Snr ...) dropped; "Doe, Jane"
 * turned round to "Jane Doe"; hyphenated parts kept together as one word with its parts.
 *
 * A recipient meets the protected person when
 *   - their surnames meet: the recipient's last word, or one part of it, is the protected person's
 *     last word or one part of it (Smith-Jones meets Jones; recall comes first), and
 *   - one of the recipient's given names meets one of the protected person's: the same word, or an
 *     initial of it (J Doe, J. A. Doe and Anne Doe all meet Jane Anne Doe: people go by a middle
 *     name, and "Mr J & Mrs A Doe" names two people); no given name on either side never stops a
 *     match, only given names that all differ do (John Doe is not Jane Doe);
 *   - a recipient of one word meets on the surname or a given name ("Doe", "Jane", "J").
 * Words in the other order ("Doe Jane", no comma) are tried too.
 * A recipient that names nobody (blank, only a title, "The Occupier", "Resident") is no name at all:
 * the caller treats it as blank, and a blank recipient at a named-mode address blocks, to be safe.
 *
 * Pure: no I/O, no state.
 */
import { foldText } from './fold.js'

export interface PersonName {
  /** given names in order, each a word (a lone letter is an initial) */
  given: string[]
  /** the last word: its whole form and, when hyphenated, each part */
  surname: string[]
}

const COMBINING_MARKS = /\p{M}+/gu
const APOSTROPHES = /['`\u2018\u2019\u02BC]/g
/** "c/o", "FAO", "Attn:" before a name: the name is what follows. */
const CARE_OF = /^\s*(?:c\s*\/\s*o|f\.?\s*a\.?\s*o\.?|attn?\.?|for the attention of)[\s:.]+/i
const NOT_NAME = /[^A-Z\s-]+/g
const SPACES = /\s+/

const TITLES = new Set([
  'MR', 'MRS', 'MS', 'MISS', 'MX', 'MASTER', 'DR', 'DOCTOR', 'REV', 'REVD', 'PROF', 'SIR', 'DAME',
  'LADY', 'LORD'
])
const SUFFIXES = new Set(['ESQ', 'JR', 'JNR', 'SR', 'SNR', 'MBE', 'OBE', 'CBE', 'PHD'])
/** Words that address whoever lives there, not a person ("The Occupier", "To the Resident"). */
const NOBODY = new Set([
  'THE', 'TO', 'OCCUPIER', 'OCCUPIERS', 'OCCUPANT', 'OCCUPANTS', 'HOUSEHOLDER', 'HOUSEHOLDERS',
  'RESIDENT', 'RESIDENTS', 'FAMILY', 'ALL', 'WHOM', 'IT', 'MAY', 'CONCERN', 'SIR', 'MADAM', 'OR', 'AND'
])

/** Words of one side of a name, titles and suffixes out; each word is its hyphen parts. */
function words (text: string): string[][] {
  return text.split(SPACES)
    .map((word) => word.split('-').filter((part) => part !== ''))
    .filter((parts) => parts.length > 0 && !TITLES.has(parts.join('')) && !SUFFIXES.has(parts.join('')))
}

/** The name as words, or null when it names nobody (blank, titles only, "The Occupier"). */
export function parsePersonName (raw: string): PersonName | null {
  const plain = foldText(raw).normalize('NFD').replace(COMBINING_MARKS, '').toUpperCase()
    .replace(APOSTROPHES, '')
  const text = plain.replace(CARE_OF, '')
  const comma = text.indexOf(',')
  let list: string[][]
  if (comma === -1) {
    list = words(text.replace(NOT_NAME, ' '))
  } else {
    // "Doe, Jane": the surname first. "Jane Doe, Esq": a suffix after the comma, nothing to turn.
    const before = words(text.slice(0, comma).replace(NOT_NAME, ' '))
    const after = words(text.slice(comma + 1).replace(NOT_NAME, ' '))
    list = [...after, ...before]
  }
  const people = list.filter((parts) => !NOBODY.has(parts.join('')))
  const last = people[people.length - 1]
  if (last === undefined) return null
  return {
    given: people.slice(0, -1).map((parts) => parts.join('')),
    surname: last.length > 1 ? [last.join(''), ...last] : [last.join('')]
  }
}

/** The same word, or one of them is the other's initial. */
function givenMeets (a: string, b: string): boolean {
  if (a === b) return true
  return (a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b))
}

function meets (person: PersonName, recipient: PersonName): boolean {
  if (!recipient.surname.some((form) => person.surname.includes(form))) return false
  // no given name on either side: the surname decides
  if (person.given.length === 0 || recipient.given.length === 0) return true
  return recipient.given.some((word) => person.given.some((name) => givenMeets(word, name)))
}

/** Does a letter to `recipient` go to `person`? Both already read; see the header for the rules. */
export function samePerson (person: PersonName, recipient: PersonName): boolean {
  if (recipient.given.length === 0) {
    // one word: a surname ("Mrs Doe") or a given name ("Jane"), or an initial of one ("J")
    const word = recipient.surname[0] ?? ''
    return recipient.surname.some((form) => person.surname.includes(form)) ||
      person.given.some((name) => givenMeets(word, name))
  }
  if (meets(person, recipient)) return true
  // "Doe Jane" without a comma: the first word as the surname
  const [surname, ...given] = [recipient.given[0] ?? '', ...recipient.given.slice(1), recipient.surname[0] ?? '']
  return meets(person, { given, surname: [surname] })
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
