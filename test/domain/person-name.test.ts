// Person names for named-person blocks. Expected values written by hand from the rules in
// src/domain/person-name.ts; made-up names only.
import t from 'tap'
import { MAX_PEOPLE, MAX_WORDS, parsePersonName, recipientMayBe, samePerson, type Person } from '../../src/domain/person-name.js'

const JANE = parsePersonName('Jane Anne Doe')
const mayBe = (recipient: string | undefined) => recipientMayBe(JANE, recipient)
const mayBeJane = (recipient: string) => mayBe(recipient)

t.test('a name is read into given names and a surname', async (t) => {
  const rows: Array<[string, Person | null]> = [
    ['Jane Doe', { given: ['JANE'], surname: ['DOE'] }],
    ['  jane   DOE ', { given: ['JANE'], surname: ['DOE'] }],
    // given names after Mrs may be her husband's ("Mrs John Doe")
    ['Mrs Jane Doe', { given: ['JANE'], surname: ['DOE'], husband: true }],
    ['Mrs Doe', { given: [], surname: ['DOE'] }],
    ['Dr. J. A. Doe', { given: ['J', 'A'], surname: ['DOE'] }],
    ['Doe, Jane', { given: ['JANE'], surname: ['DOE'] }],
    ['DOE, Mrs Jane Anne', { given: ['JANE', 'ANNE'], surname: ['DOE'], husband: true }],
    // a hyphenated given name is the whole and each part
    ['Jane-Marie Doe', { given: ['JANEMARIE', 'JANE', 'MARIE'], surname: ['DOE'] }],
    // kinship before a name is a title
    ['Grandma Doe', { given: [], surname: ['DOE'] }],
    ['Auntie Jane Doe', { given: ['JANE'], surname: ['DOE'] }],
    // a plural surname after The is the family
    ['The Does', { given: [], surname: ['DOES', 'DOE', 'DO'] }],
    ['The Joneses', { given: [], surname: ['JONESES', 'JONESE', 'JONES'] }],
    // kinship alone: someone who may be anyone (no surname)
    ['Mum', { given: [], surname: [] }],
    ["Sam Doe's Mum", { given: [], surname: [] }],
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
  for (const [raw, expected] of rows) t.same(parsePersonName(raw), expected === null ? null : { people: [expected] }, JSON.stringify(raw))
})

t.test('a recipient line is read into the people it names', async (t) => {
  const MARY = { given: ['MARY'], surname: ['SMITH'] }
  const JOHN = { given: ['JOHN'], surname: ['BROWN'] }
  const ANYBODY = { given: [], surname: [] }
  const rows: Array<[string, Person[] | null]> = [
    ['Mary Smith & John Brown', [MARY, JOHN]],
    ['Mary Smith and John Brown', [MARY, JOHN]],
    ['Mary Smith + John Brown', [MARY, JOHN]],
    ['Mary Smith / John Brown', [MARY, JOHN]],
    ['Mary Smith; John Brown', [MARY, JOHN]],
    ['Mary Smith or John Brown', [MARY, JOHN]],
    ['Mary Smith c/o John Brown', [MARY, JOHN]],
    ['John Brown C/O Mary Smith', [JOHN, MARY]],
    ['John Brown FAO Mary Smith', [JOHN, MARY]],
    ['Mary Smith, John Brown', [MARY, JOHN]],
    // a comma after one word: the surname first, one person
    ['Smith, Mary', [MARY]],
    // a one-word person before a full name takes its surname
    ['Mary & John Brown', [{ given: ['MARY'], surname: ['BROWN'] }, JOHN]],
    ['Mr J & Mrs M Smith', [{ given: ['J'], surname: ['SMITH'] }, { given: ['M'], surname: ['SMITH'], husband: true }]],
    // a note in brackets is read apart
    // a note of kinship after a name says who that person is
    ['Mary Smith (Mum)', [MARY]],
    ['Mary Smith (his mum)', [MARY]],
    ['(Mum)', [ANYBODY]],
    // kinship, and everyone of a household, as a person of the line: someone who may be anyone
    ['Mary Smith & Mum', [MARY, ANYBODY]],
    ['Mary Smith, Mum', [MARY, ANYBODY]],
    ['Mary Smith, for Mother', [MARY, ANYBODY]],
    ['Mum & Mary Smith', [ANYBODY, MARY]],
    ['Mary Smith + family', [MARY, ANYBODY]],
    ['Mary Smith & all', [MARY, ANYBODY]],
    // words of address, prose and kisses are no one's name, and part people
    ['To my darling Mary Smith xx', [MARY]],
    ['John Brown, pass to Mary', [JOHN, { given: [], surname: ['MARY'] }]],
    ['Mary, with love from John Brown', [{ given: [], surname: ['MARY'] }, JOHN]],
    ['For the attention of Mary Smith', [MARY]],
    ['Mary Smith aka Mary Brown', [MARY, { given: ['MARY'], surname: ['BROWN'] }]],
    // nee and formerly give another surname
    ['Mary Brown (nee Smith)', [{ given: ['MARY'], surname: ['BROWN', 'SMITH'] }]],
    ['Mary Brown née Smith', [{ given: ['MARY'], surname: ['BROWN', 'SMITH'] }]],
    ['Mary Brown, formerly Smith-Jones', [{ given: ['MARY'], surname: ['BROWN', 'SMITHJONES', 'SMITH', 'JONES'] }]],
    ['nee Smith', [{ given: [], surname: ['SMITH'] }]],
    ['John Brown [Mary Smith]', [JOHN, MARY]],
    // post-nominals after the name
    ['Ms Mary Smith BSc', [MARY]],
    ['Dr Mary Smith PhD MBE', [MARY]],
    ['Mary Smith MA QC', [MARY]],
    ['Mary Smith, BSc', [MARY]],
    ['Mary Smith B.Sc.', [MARY]],
    ['Mary Smith M.B.E. Q.C.', [MARY]],
    ['Dr M. Smith, Ph.D.', [{ given: ['M'], surname: ['SMITH'] }]],
    ['Smith, Mary, BSc', [MARY]],
    // initials with stops before the name are not post-nominals
    ['Dr M.A. Smith', [{ given: ['M', 'A'], surname: ['SMITH'] }]],
    // digits and symbols for letters in a word that holds letters (1 and | are I or L: `*`)
    ['M@ry $mith', [MARY]],
    ['Mary Sm1th', [{ given: ['MARY'], surname: ['SM*TH'] }]],
    ['M4RY 5M17H', [{ given: ['MARY'], surname: ['SM*TH'] }]],
    ['Mary Smith 2', [MARY]],
    // whoever lives there, beside a name: no one in particular
    ['John Brown or The Occupier', null],
    ['The Resident & John Brown', null],
    ['John Brown & Family', [JOHN, ANYBODY]]
  ]
  for (const [raw, expected] of rows) t.same(parsePersonName(raw), expected === null ? null : { people: expected }, JSON.stringify(raw))
})

t.test('bounded: at most MAX_PEOPLE people of at most MAX_WORDS words, whatever the line holds', async (t) => {
  const lines = [
    Array.from({ length: 40 }, (_, i) => `Ann${String.fromCharCode(65 + (i % 26))} Smith`).join(' & ').slice(0, 200),
    Array.from({ length: 40 }, (_, i) => `A${i} B${i}`).join(', ').slice(0, 200),
    'A '.repeat(100), '& '.repeat(100), '('.repeat(200), 'M1 '.repeat(66), '@$|'.repeat(66), 'c/o '.repeat(50), 'Mary-'.repeat(40),
    'ab'.repeat(100), 'a, '.repeat(66), ' and or '.repeat(25)
  ]
  for (const line of lines) {
    t.ok(line.length <= 200, 'a recipient the schema allows')
    const name = parsePersonName(line)
    const people = name?.people ?? []
    t.ok(people.length <= MAX_PEOPLE, `${people.length} people from ${JSON.stringify(line.slice(0, 12))}...`)
    t.ok(people.every((person) => person.given.length < MAX_WORDS && person.surname.length <= 2 * MAX_WORDS), `words of ${JSON.stringify(line.slice(0, 12))}...`)
  }
  // 15 people of 10 letters and a separator of 3, then "AnnP", cut at the 200th character
  t.equal(parsePersonName(lines[0] ?? '')?.people.length, 16, 'a long list is read whole')
})

t.test('no recipient line the schema allows names more people or words than are read', async (t) => {
  const safe = 'BCFGHKLMPQRSTVWZ'
  const names = [...safe, ...[...safe].flatMap((a) => [...safe].map((b) => a + b))]
  for (const sep of ['&', ' & ', ', ', '/']) {
    const others: string[] = []
    while ([...others, names[others.length] ?? '', 'Jane Doe'].join(sep).length <= 200) others.push(names[others.length] ?? '')
    const line = [...others, 'Jane Doe'].join(sep)
    t.ok(line.length <= 200, `${others.length} other people, then her, in a recipient the schema allows`)
    t.ok(mayBeJane(line), `she is read after ${others.length} others`)
  }
  t.ok(mayBeJane(`Jane ${'B '.repeat(95)}Doe`), 'her given name is read before 95 other words')
  t.ok(MAX_PEOPLE >= 100 && MAX_WORDS >= 100, 'a line of 200 characters holds at most 100 people or words')
})


t.test('recipients who may be the protected person: the letter is held', async (t) => {
  for (const recipient of [
    'Jane Anne Doe', 'jane doe', 'JANE DOE', 'Mrs Jane Doe', 'Ms J Doe', 'Miss J. Doe', 'Dr J A Doe',
    'Doe, Jane', 'DOE, MRS J', 'Doe Jane', 'Anne Doe', 'J Doe', 'Mrs Doe', 'Doe', 'Jane', 'J',
    'Mr J & Mrs A Doe', 'The Doe Family', 'Jane Doe-Smith', 'J\u0430ne Doe', 'Jane Doe Esq',
    'c/o Jane Doe', 'Mary Jane Doe',
    // several people on one line: any may be her
    'Jane Doe & John Brown', 'John Brown and Jane Doe', 'John Brown c/o Jane Doe', 'Jane Doe c/o John Brown',
    'John Brown / Mrs J Doe', 'John Brown, Jane Doe', 'Jane & John Doe', 'John Brown or Jane Doe',
    // notes, post-nominals
    'Jane Doe (Mum)', 'Jane Doe [daughter]', 'Ms Jane Doe BSc', 'Dr Jane Doe PhD', 'Jane Doe MBE RN', 'Jane Doe, BA',
    // run together
    'JaneDoe', 'JANEDOE', 'janedoe', 'DoeJane', 'JDoe', 'JaneAnneDoe', 'Jane AnneDoe',
    // digits and symbols for letters
    'J@ne D0e', 'Jane Do3', 'J4ne Doe', 'Jane D0e', 'Jan3 D03', 'Jane Doe 2',
    // words of address, prose and kisses
    'Jane Doe xx', 'Jane Doe x', 'Jane Doe XOXO', 'To my darling Jane', 'Dear Jane', 'John Brown, pass to Jane',
    'Please give to Jane', 'Love from Sam, to Jane', 'Jane with love', 'For the attention of Jane Doe',
    // another surname by marriage
    // kinship words, alone or as a person of the line, may be her; so may everyone of the household
    'Mum', 'Nan', 'My Mum', 'Sam Doe & Mum', 'Sam Doe c/o Mum', 'Sam Doe, for Mum', 'Sam Doe and Mother',
    'Sam Doe, Mum', "Sam Doe's Mum", 'Sam Doe (Mum) & Mum', 'Sam Doe and family', 'Sam Doe + family', 'Sam Doe & all',
    // kinship before a name is a title; Mrs before another given name may be her husband's;
    // a plural surname; a hyphenated given name
    'Grandma Doe', 'Auntie Jane', 'Nana Doe', 'Mrs John Doe', 'Mrs S Doe', 'Mrs Mary Doe', 'The Does', 'Jane-Marie Doe', 'Mary-Jane Doe',
    'Jane Smith (nee Doe)', 'Jane Smith née Doe', 'Jane Smith, formerly Doe', 'Jane Smith (born Doe)', 'Mrs J Smith nee Doe',
    // one slip: a letter dropped, or one added inside the name; her surname's initial
    'Jayne Doe', 'Janie Doe', 'Jne Doe', 'Jan Doe', 'Jane Do', 'Annie Doe', 'Jayne', 'Jane D.', 'Jane Anne D', 'Anne D.'
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
    'Joe Bloggs', 'Doe Smith',
    // several people, none of them her
    'John Brown & Sam Doe', 'John & Sam Doe', 'John Brown c/o Sam Smith', 'Jane Brown, John Brown',
    'Jane & John Brown',
    // Mr (not Mrs) before another given name; kinship words of another surname; hyphenated given names of others
    'Mr John Doe', 'Sam Doe', 'John Brown (Mum)', 'Sam Doe (Dad)', 'Sam Doe [his son]', 'Martin Doe', 'Mary Smith', 'Grandma Smith', 'Uncle Sam', 'The Smiths', 'Mary-Kate Doe',
    // run-together names of others
    'JohnDoe', 'SAMDOE', 'JaneSmith',
    // a digit that is not a letter of her name
    'J0hn Doe', 'Jan3 Brown', 'Janet Doe', 'Joan Doe',
    // words of address around someone else; a note of another's former surname
    'To my darling John Brown xx', 'Dear John Doe', 'Martin Doe, with love', 'Mary Smith (nee Doe)', 'Jane Smith xx',
    // slips that make another name: a letter changed, or added at an end; two slips; initials only
    'Jane Dow', 'Jane Does', 'Janet Do', 'Jayne Do', 'Sam Do', 'John D.', 'J D', 'Jake Doe', 'Jane Doo'
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
  t.ok(person !== null && samePerson(person, { people: [{ given: ['SAM'], surname: ['DOE'] }] }))
  t.notOk(recipientMayBe(person, 'Sam Smith'))
})

t.test('a protected person of several given names or a double-barrelled name, run together', async (t) => {
  const person = parsePersonName('Mary Anne Smith-Jones')
  for (const recipient of ['MaryAnneSmithJones', 'MARYSMITHJONES', 'AnneJones', 'MSmith', 'SmithJonesMary', 'M@ry Sm1th-Jones', 'Mary Sm|th']) {
    t.ok(recipientMayBe(person, recipient), JSON.stringify(recipient))
  }
  for (const recipient of ['MaryBrown', 'JohnSmith', 'MarySmithson']) t.notOk(recipientMayBe(person, recipient), JSON.stringify(recipient))
})

t.test('no protected name at all: every recipient is held', async (t) => {
  t.ok(recipientMayBe(null, 'Anyone Else'))
})
