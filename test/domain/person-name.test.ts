// Person names for named-person blocks. Expected values written by hand from the rules in
// src/domain/person-name.ts; made-up names only.
import t from 'tap'
import { parsePersonName, recipientMayBe, samePerson } from '../../src/domain/person-name.js'

t.test('a name is read into given names and a surname', async (t) => {
  const rows: Array<[string, { given: string[], surname: string[] } | null]> = [
    ['Jane Doe', { given: ['JANE'], surname: ['DOE'] }],
    ['  jane   DOE ', { given: ['JANE'], surname: ['DOE'] }],
    ['Mrs Jane Doe', { given: ['JANE'], surname: ['DOE'] }],
    ['Dr. J. A. Doe', { given: ['J', 'A'], surname: ['DOE'] }],
    ['Doe, Jane', { given: ['JANE'], surname: ['DOE'] }],
    ['DOE, Mrs Jane Anne', { given: ['JANE', 'ANNE'], surname: ['DOE'] }],
    ['Jane Doe, Esq.', { given: ['JANE'], surname: ['DOE'] }],
    ['Jane Smith-Jones', { given: ['JANE'], surname: ['SMITHJONES', 'SMITH', 'JONES'] }],
    ["Siobhán O'Brien", { given: ['SIOBHAN'], surname: ['OBRIEN'] }],
    ['c/o Jane Doe', { given: ['JANE'], surname: ['DOE'] }],
    ['FAO: Jane Doe', { given: ['JANE'], surname: ['DOE'] }],
    ['The Doe Family', { given: [], surname: ['DOE'] }],
    ['Mr and Mrs Doe', { given: [], surname: ['DOE'] }],
    // a Cyrillic а and full-width letters fold to the Latin name
    ['J\u0430ne Doe', { given: ['JANE'], surname: ['DOE'] }],
    ['\uFF2A\uFF41\uFF4E\uFF45 Doe', { given: ['JANE'], surname: ['DOE'] }],
    // names nobody
    ['', null],
    ['   ', null],
    ['Mrs', null],
    ['The Occupier', null],
    ['To the Householder', null],
    ['Resident', null],
    ['!!!', null]
  ]
  for (const [raw, expected] of rows) t.same(parsePersonName(raw), expected, JSON.stringify(raw))
})

const JANE = parsePersonName('Jane Anne Doe')
const mayBe = (recipient: string | undefined) => recipientMayBe(JANE, recipient)

t.test('recipients who may be the protected person: the letter is held', async (t) => {
  for (const recipient of [
    'Jane Anne Doe', 'jane doe', 'JANE DOE', 'Mrs Jane Doe', 'Ms J Doe', 'Miss J. Doe', 'Dr J A Doe',
    'Doe, Jane', 'DOE, MRS J', 'Doe Jane', 'Anne Doe', 'J Doe', 'Mrs Doe', 'Doe', 'Jane', 'J',
    'Mr J & Mrs A Doe', 'The Doe Family', 'Jane Doe-Smith', 'J\u0430ne Doe', 'Jane Doe Esq',
    'c/o Jane Doe', 'Mary Jane Doe'
  ]) {
    t.ok(mayBe(recipient), JSON.stringify(recipient))
  }
})

t.test('a recipient that names nobody is treated as blank: held, to be safe', async (t) => {
  for (const recipient of [undefined, '', '  ', 'Mrs', 'The Occupier', 'Resident', 'To whom it may concern']) {
    t.ok(mayBe(recipient), JSON.stringify(recipient))
  }
})

t.test('recipients who are someone else: the letter goes', async (t) => {
  for (const recipient of [
    'John Doe', 'Master Sam Doe', 'S Doe', 'Jane Smith', 'Mrs J Smith', 'Sam', 'Smith', 'Doe John',
    'Joe Bloggs', 'Doe Smith'
  ]) {
    t.notOk(mayBe(recipient), JSON.stringify(recipient))
  }
})

t.test('a double-barrelled protected surname meets either part', async (t) => {
  const person = parsePersonName('Jane Smith-Jones')
  t.ok(recipientMayBe(person, 'Mrs J Jones'))
  t.ok(recipientMayBe(person, 'Jane Smith'))
  t.ok(recipientMayBe(person, 'Jane Smith Jones'))
  t.ok(recipientMayBe(person, 'Smith-Jones'))
  t.notOk(recipientMayBe(person, 'Jane Brown'))
})

t.test('a protected person known by surname only meets any given name with that surname', async (t) => {
  const person = parsePersonName('Ms Doe')
  t.ok(person !== null && samePerson(person, { given: ['SAM'], surname: ['DOE'] }))
  t.notOk(recipientMayBe(person, 'Sam Smith'))
})

t.test('no protected name at all: every recipient is held', async (t) => {
  t.ok(recipientMayBe(null, 'Anyone Else'))
})
