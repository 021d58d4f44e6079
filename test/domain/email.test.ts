// Email normaliser. Expected keys are written by hand from the rules (docs/MATCHING.md, Email addresses).
// Domains: example.org, example.com, .example; provider rules on gmail.com, googlemail.com and
// outlook.com with made-up local parts only.
import t from 'tap'
import fc from 'fast-check'
import { emailKeys } from '../../src/domain/email.js'
import { MAX_ADDRESSES } from '../../src/domain/email-read.js'

/** Does a block on `entryRaw` stop a contact attempt on `checkRaw`? */
function meets (entryRaw: string, checkRaw: string): boolean {
  const stored = new Set(emailKeys(entryRaw).store)
  return emailKeys(checkRaw).lookup.some((key) => stored.has(key))
}

const PLAIN = 'e:victim.fixture@example.org'
const GMAIL = 'e:testvictimfixture@gmail.com'
const OUTLOOK = 'e:test.victim.fixture@outlook.com'
const IDN = 'e:jöhn@xn--bcher-kva.example'

/** [raw, the one key an entry stores] */
const parsed: Array<[string, string]> = [
  // case, spacing, mailto:, display names, trailing dot
  ['victim.fixture@example.org', PLAIN],
  ['Victim.Fixture@Example.ORG', PLAIN],
  ['VICTIM.FIXTURE@EXAMPLE.ORG', PLAIN],
  ['  victim.fixture@example.org\t', PLAIN],
  ['mailto:victim.fixture@example.org', PLAIN],
  ['MAILTO:Victim.Fixture@example.org', PLAIN],
  ['MailTo:victim.fixture@example.org', PLAIN],
  ['mailto:victim.fixture@example.org?subject=Hello%20there', PLAIN],
  ['Victim Fixture <victim.fixture@example.org>', PLAIN],
  ['"Fixture, Victim" <Victim.Fixture@example.org>', PLAIN],
  ['<victim.fixture@example.org>', PLAIN],
  ['< victim.fixture@example.org >', PLAIN],
  ['<mailto:victim.fixture@example.org>', PLAIN],
  ['victim.fixture@example.org.', PLAIN],
  ['Victim <victim.fixture@example.org.>', PLAIN],
  // full-width letters and the ideographic full stop fold to ASCII in the domain
  ['victim.fixture@\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.org', PLAIN],
  ['victim.fixture@example\u3002org', PLAIN],
  // sub-addressing is dropped on every domain
  ['victim.fixture+news@example.org', PLAIN],
  ['victim.fixture+a+b@example.org', PLAIN],
  ['Victim.Fixture+Prison@Example.org', PLAIN],
  ['victim.fixture+@example.org', PLAIN],
  ['victim@example.com', 'e:victim@example.com'],
  ['victim+x@example.com', 'e:victim@example.com'],
  ['victim@mail.example.org', 'e:victim@mail.example.org'],
  ['victim@fixture.example', 'e:victim@fixture.example'],
  // Gmail: dots do not count, googlemail.com is gmail.com
  ['test.victim.fixture@gmail.com', GMAIL],
  ['testvictimfixture@gmail.com', GMAIL],
  ['TestVictimFixture@GMAIL.COM', GMAIL],
  ['t.e.s.t.victim.fixture@gmail.com', GMAIL],
  ['test..victim.fixture.@gmail.com', GMAIL],
  ['test.victim.fixture+prison@gmail.com', GMAIL],
  ['test.victim.fixture@googlemail.com', GMAIL],
  ['Test.Victim.Fixture+x@GoogleMail.com.', GMAIL],
  ['Test Victim <test.victim.fixture@googlemail.com>', GMAIL],
  // Outlook: sub-addressing dropped, dots kept
  ['test.victim.fixture@outlook.com', OUTLOOK],
  ['Test.Victim.Fixture+tag@Outlook.com', OUTLOOK],
  // IDN: Unicode and punycode meet; the local part is compared in NFC
  ['jöhn@bücher.example', IDN],
  ['JÖHN@BÜCHER.EXAMPLE', IDN],
  ['jöhn@xn--bcher-kva.example', IDN],
  ['JÖHN@XN--BCHER-KVA.EXAMPLE', IDN],
  ['jo\u0308hn@bu\u0308cher.example', IDN],
  ['victim@münchen.example', 'e:victim@xn--mnchen-3ya.example'],
  // the LAST @ splits
  ['odd@local@example.org', 'e:odd@local@example.org'],
  // punctuation around the address
  ['victim.fixture@example.org;', PLAIN],
  ['victim.fixture@example.org,', PLAIN],
  ['(victim.fixture@example.org)', PLAIN],
  ['[victim.fixture@example.org]', PLAIN],
  ["'victim.fixture@example.org'", PLAIN],
  ['"victim.fixture@example.org"', PLAIN],
  ['victim.fixture@example.org!', PLAIN],
  ['email: victim.fixture@example.org.', PLAIN],
  ['<victim.fixture@example.org', PLAIN],
  ['victim.fixture@example.org>', PLAIN],
  // RFC 5322: a quoted local part is its text; comments stand for a space anywhere
  ['"victim.fixture"@example.org', PLAIN],
  ['"Victim.Fixture" @ Example.org', PLAIN],
  ['victim.fixture(home)@example.org', PLAIN],
  ['(work)victim.fixture@example.org', PLAIN],
  ['victim.fixture@(work)example.org', PLAIN],
  ['victim(x).fixture@example.org', PLAIN],
  // written to dodge a filter: at and dot as words, bracketed, spaced; letters spaced out
  ['victim dot fixture at example dot org', PLAIN],
  ['Victim DOT Fixture AT Example DOT Org', PLAIN],
  ['victim.fixture at example.org', PLAIN],
  ['victim.fixture[at]example[.]org', PLAIN],
  ['victim.fixture [at] example [dot] org', PLAIN],
  ['victim.fixture (at) example (dot) org', PLAIN],
  ['victim.fixture{at}example{dot}org', PLAIN],
  ['victim.fixture<at>example<dot>org', PLAIN],
  ['victim.fixture(a)example.org', PLAIN],
  ['victim[dot]fixture@example[dot]org', PLAIN],
  ['victim.fixture @ example . org', PLAIN],
  ['victim.fixture@example . org', PLAIN],
  ['v i c t i m . f i x t u r e @ e x a m p l e . o r g', PLAIN],
  ['victim.fixture@exa mple.org', PLAIN],
  ['"victim .fixture"@example.org', PLAIN],
  ['t e s t . v i c t i m . f i x t u r e @ g m a i l . c o m', GMAIL],
  // a doubled @, and an @ percent-encoded outside a mailto: link
  ['victim.fixture@@example.org', PLAIN],
  ['victim.fixture%40example.org', PLAIN],
  // a field of %XX escapes is decoded, an escaped escape too
  ['victim%2Efixture%40example%2Eorg', PLAIN],
  ['victim%2efixture%40example.org', PLAIN],
  ['victim%252Efixture%2540example%252Eorg', PLAIN],
  ['%76%69%63%74%69%6D.fixture@example.org', PLAIN],
  // a label before the local part, as in directory exports
  ['SMTP:victim.fixture@example.org', PLAIN],
  ['smtp:Victim.Fixture@example.org', PLAIN],
  ['sip:victim.fixture@example.org', PLAIN],
  ['e-mail:victim.fixture@example.org', PLAIN],
  ['Email: victim.fixture@example.org', PLAIN],
  ['fixture:victim.fixture@example.org', PLAIN],
  // ideographic, full-width and half-width full stops are dots, in the local part too
  ['victim\u3002fixture@example.org', PLAIN],
  ['victim\uff0efixture@example\u3002org', PLAIN],
  ['victim\uff61fixture@example\uff61org', PLAIN],
  // at and dot words between hyphens, underscores or slashes; full stop and period for dot
  ['victim.fixture at example full stop org', PLAIN],
  ['victim period fixture at example period org', PLAIN],
  ['victim.fixture-at-example.org', PLAIN],
  ['victim.fixture/at/example.org', PLAIN],
  ['victim.fixture_at_example.org', PLAIN],
  ['victim_dot_fixture_at_example_dot_org', PLAIN],
  ['victim-dot-fixture-AT-example-DOT-org', PLAIN],
  // a comment after the address (RFC 5322)
  ['victim.fixture@example.org (Victim Fixture)', PLAIN],
  // lookalikes: Cyrillic а and е, Greek ο, full-width letters and @, invisible characters
  ['victim.fixture@ex\u0430mple.org', PLAIN],
  ['v\u0456ctim.fixture@example.org', PLAIN],
  ['victim.fixture@\u0435xample.org', PLAIN],
  ['victim.fixture@xn--xample-2of.org', PLAIN],
  ['VICTIM.FIXTURE@EX\u0410MPLE.ORG', PLAIN],
  ['victim.fixture@example.\u03BFrg', PLAIN],
  ['\uff56\uff49\uff43\uff54\uff49\uff4d.fixture\uff20example.org', PLAIN],
  ['vic\u200btim.fixture@example.org', PLAIN],
  ['victim.fixture@exam\u00adple.org', PLAIN],
  ['test.v\u0456ctim.fixture@gmail.com', GMAIL],
  // Proton: one name on all its domains; dots, hyphens and underscores ignored
  ['jane.fixture@protonmail.com', 'e:janefixture@proton.me'],
  ['Jane_Fixture@pm.me', 'e:janefixture@proton.me'],
  ['jane-fixture+x@proton.me', 'e:janefixture@proton.me'],
  ['janefixture@protonmail.ch', 'e:janefixture@proton.me'],
  // iCloud: me.com and mac.com names are the same names at icloud.com
  ['jane.fixture@me.com', 'e:jane.fixture@icloud.com'],
  ['jane.fixture@mac.com', 'e:jane.fixture@icloud.com'],
  ['jane.fixture@icloud.com', 'e:jane.fixture@icloud.com'],
  // Fastmail subdomain addressing
  ['shopping@janefixture.fastmail.com', 'e:janefixture@fastmail.com'],
  ['janefixture+shopping@fastmail.com', 'e:janefixture@fastmail.com']
]

/** [raw, the `e?:` key an entry stores]: still blocked, by its exact text, with a warning */
const unparsed: Array<[string, string]> = [
  ['Victim.Fixture', 'e?:victim.fixture'],
  ['victim.fixture@', 'e?:victim.fixture@'],
  ['@example.org', 'e?:@example.org'],
  ['victim.fixture@example..org', 'e?:victim.fixture@example..org'],
  ['victim.fixture@.example.org', 'e?:victim.fixture@.example.org'],
  ['victim.fixture@.', 'e?:victim.fixture@.'],
  ['victim@[192.0.2.1]', 'e?:victim@[192.0.2.1]'],
  ['victim@xn--zz.example', 'e?:victim@xn--zz.example'],
  ['...@gmail.com', 'e?:...@gmail.com'],
  ['Victim <>', 'e?:victim<>'],
  // a domain of one label is no mailbox on the internet
  ['victim@localhost', 'e?:victim@localhost'],
  // prose: no @, and an at-word that leaves no domain with a dot
  ['I will be at home tonight', 'e?:iwillbeathometonight'],
  ['call me at six', 'e?:callmeatsix'],
  ['dot com', 'e?:dotcom'],
  ['victim.fixture example.org', 'e?:victim.fixtureexample.org'],
  // characters that cannot stand unquoted in an address
  ['vic[tim@example.org', 'e?:vic[tim@example.org'],
  // an escape that is not whole UTF-8 stays as written, and leaves no domain
  ['victim.fixture%40example%E0org', 'e?:victim.fixture%40example%e0org'],
  ['vic\\tim@example.org', 'e?:vic\\tim@example.org']
]

/** [raw, the keys an entry stores]: several addresses, or one read two ways; each blocked, with a warning */
const several: Array<[string, string[]]> = [
  ['friend.fixture@example.com, victim.fixture@example.org', ['e:friend.fixture@example.com', PLAIN]],
  ['victim.fixture@example.org;friend.fixture@example.com', [PLAIN, 'e:friend.fixture@example.com']],
  ['victim.fixture@example.org friend.fixture@example.com', [PLAIN, 'e:friend.fixture@example.com']],
  ['victim.fixture@example.org\nfriend.fixture@example.com', [PLAIN, 'e:friend.fixture@example.com']],
  ['victim.fixture@example.org or friend.fixture@example.com', [PLAIN, 'e:friend.fixture@example.com']],
  // run together: an address ends where its domain does, when another @ follows
  ['victim.fixture@example.org&friend.fixture@example.com', [PLAIN, 'e:friend.fixture@example.com']],
  ['victim.fixture@example.org|friend.fixture@example.com', [PLAIN, 'e:friend.fixture@example.com']],
  ['victim.fixture@example.org/friend.fixture@example.com', [PLAIN, 'e:friend.fixture@example.com']],
  ['Mum <mum.fixture@example.org>; Tom <tom.fixture@example.net>', ['e:mum.fixture@example.org', 'e:tom.fixture@example.net']],
  ['"Doe, Jane" <jane.fixture@example.org>, "Doe, Tom" <tom.fixture@example.org>', ['e:jane.fixture@example.org', 'e:tom.fixture@example.org']],
  ['Mum <mum.fixture@example.org> Tom <tom.fixture@example.net>', ['e:mum.fixture@example.org', 'e:tom.fixture@example.net']],
  // a display name that is itself an address: both are read
  ['"victim.fixture@example.org" <other.fixture@example.net>', [PLAIN, 'e:other.fixture@example.net']],
  // mailto: the path's addresses and the to, cc and bcc fields, percent-decoded; not the subject
  ['mailto:ruth.fixture@example.org?cc=sam.fixture%40example.net', ['e:ruth.fixture@example.org', 'e:sam.fixture@example.net']],
  ['MAILTO:a.fixture@example.org,b.fixture@example.net?To=c.fixture@example.com&bcc=d.fixture%40example.com&subject=x%40example.org',
    ['e:a.fixture@example.org', 'e:b.fixture@example.net', 'e:c.fixture@example.com', 'e:d.fixture@example.com']],
  ['victim dot fixture at example dot org, friend at example dot net', [PLAIN, 'e:friend@example.net']],
  // a dot with a space after it ends a sentence: the next address is its own
  ['friend.fixture@example.com. victim.fixture@example.org', ['e:friend.fixture@example.com', PLAIN]],
  ['Write to friend.fixture@example.com. Or victim.fixture@example.org.', ['e:friend.fixture@example.com', PLAIN]],
  // a percent-encoded list
  ['friend.fixture%40example.com%2C%20victim.fixture%40example.org', ['e:friend.fixture@example.com', PLAIN]],
  // one @ with spaces around words: the word that holds it, and the words joined
  ['victim.fix ture@example.org.', ['e:ture@example.org', PLAIN, 'e:victim.fix.ture@example.org']],
  ['Victim Fixture victim.fixture@example.org', [PLAIN, 'e:victimfixturevictim.fixture@example.org', 'e:victim.fixture.victim.fixture@example.org']],
  // spaces in the local part only, between words of two letters or more: joined by dots too
  ['victim fixture@example.org', ['e:fixture@example.org', 'e:victimfixture@example.org', PLAIN]],
  ['victim fixture at example dot org', ['e:fixture@example.org', 'e:victimfixture@example.org', PLAIN]],
  ['test victim fixture at gmail dot com', ['e:fixture@gmail.com', GMAIL]],
  // the same address twice is one key, and no warning (see below)
  ['victim.fixture@example.org', [PLAIN]],
  ['victim.fixture@example.org, Victim.Fixture+x@example.org', [PLAIN]]
]

/** nothing to key at all */
const rejected = ['', '   ', '\t\n', '\u00a0']

/** [entry, check]: the block must stop the attempt */
const mustMeet: Array<[string, string]> = [
  ['victim.fixture@example.org', 'Victim Fixture <VICTIM.FIXTURE@example.org>'],
  ['victim.fixture+one@example.org', 'victim.fixture+two@example.org'],
  ['victim.fixture@example.org', 'mailto:victim.fixture+x@example.org.'],
  ['test.victim.fixture@gmail.com', 'testvictimfixture+x@googlemail.com'],
  ['test.victim.fixture+x@outlook.com', 'test.victim.fixture@outlook.com'],
  ['jöhn@bücher.example', 'JÖHN@xn--bcher-kva.example'],
  // a field of several addresses: each one is blocked, and a check on a list meets any of them
  ['victim.fixture@example.org', 'friend.fixture@example.com, victim.fixture@example.org'],
  ['victim.fixture@example.org', 'friend.fixture@example.com; Victim <victim.fixture@example.org>; x.fixture@example.net'],
  ['friend.fixture@example.com, victim.fixture@example.org', 'victim.fixture@example.org'],
  ['friend.fixture@example.com, victim.fixture@example.org', 'friend.fixture@example.com'],
  ['victim.fixture@example.org', 'mailto:friend.fixture@example.com?bcc=victim.fixture%40example.org'],
  ['victim.fixture@example.org', 'victim.fixture at example.org'],
  ['victim.fixture at example.org', 'Victim.Fixture AT Example.org'],
  ['Victim.Fixture', 'victim.fixture'],
  ['victim.fixture@example..org', ' victim.fixture@EXAMPLE..org ']
]

/** [entry, check]: the block must NOT stop the attempt */
const mustNotMeet: Array<[string, string]> = [
  // dots are significant outside gmail
  ['victim.fixture@example.org', 'victimfixture@example.org'],
  ['test.victim.fixture@outlook.com', 'testvictimfixture@outlook.com'],
  ['victim.fixture@example.org', 'victim.fixture2@example.org'],
  ['victim.fixture@example.org', 'victim_fixture@example.org'],
  ['victim.fixture@example.org', 'victim.fixtur@example.org'],
  ['victim.fixture@example.org', 'victim.fixture@example.com'],
  ['victim.fixture@example.org', 'victim.fixture@mail.example.org'],
  ['victim.fixture@example.org', 'victim.fixture@example.org.example'],
  ['victim.fixture@example.org', 'victim.fixture@exampl.org'],
  ['test.victim.fixture@gmail.com', 'test.victim.fixture@outlook.com'],
  ['test.victim.fixture@gmail.com', 'test.victim.fixtures@gmail.com'],
  ['test.victim.fixture@gmail.com', 'test.victim.fixture@gmail.com.example'],
  ['jöhn@bücher.example', 'john@bucher.example'],
  ['jöhn@bücher.example', 'jöhn@bücher.example.org'],
  // another address of a list, or of a mailto's fields, is another mailbox
  ['victim.fixture@example.org', 'friend.fixture@example.com, other.fixture@example.org'],
  ['victim.fixture@example.org', 'mailto:friend.fixture@example.com?subject=victim.fixture%40example.org'],
  ['victim.fixture@example.org', 'victim.fixture at example dot net'],
  ['victim.fixture@example.org', 'victim.fixture [at] example [dot] com'],
  ['victim.fixture@example.org', 'fixture@example.org'],
  // ASCII is never folded into other ASCII: these are different real mailboxes
  ['jane1@example.org', 'janel@example.org'],
  ['jane0@example.org', 'janeo@example.org'],
  ['jane.fixture@example.org', 'jane.fixture@exarnple.org'],
  // providers that are not one another
  ['jane.fixture@hotmail.com', 'jane.fixture@outlook.com'],
  ['jane.fixture@outlook.com', 'jane.fixture@live.com'],
  ['jane.fixture@fastmail.com', 'jane.fixture@fastmail.fm'],
  ['janefixture@yahoo.com', 'janefixture-news@yahoo.com'],
  ['jane.fixture@example.org', 'jane-fixture@example.org'],
  ['jane.fixture@protonmail.com', 'jane.fixture@gmail.com'],
  // a letter with a mark is its own letter, not a lookalike
  ['jane@example.org', 'jan\u00e9@example.org'],
  ['victim.fixture at example.org', 'victim.fixture at example.com'],
  // a dot word inside an address that has its own @ may be a real mailbox of that name
  ['victim.fixture@example.org', 'victim_dot_fixture@example.org'],
  ['victim.fixture@example.org', 'SMTP:victim.fixture@example.net'],
  ['victim.fixture@example.org', 'victim%2Efixture%40example%2Enet']
]

t.test('every way of writing an address gives its one key', async (t) => {
  for (const [raw, key] of parsed) {
    const k = emailKeys(raw)
    t.same(k.store, [key], `store ${JSON.stringify(raw)}`)
    t.equal(k.lookup[0], key, `lookup ${JSON.stringify(raw)}`)
    t.equal(k.warning, null, `no warning ${JSON.stringify(raw)}`)
    t.equal(k.reject, null, `no reject ${JSON.stringify(raw)}`)
  }
})

t.test('every address a field holds is keyed; several with a warning', async (t) => {
  for (const [raw, keys] of several) {
    const k = emailKeys(raw)
    t.same(k.store, keys, `store ${JSON.stringify(raw)}`)
    t.same(k.lookup.slice(0, keys.length), keys, `lookup ${JSON.stringify(raw)}`)
    t.ok(k.lookup[keys.length]?.startsWith('e?:'), `and the exact text ${JSON.stringify(raw)}`)
    t.same(k.warning, keys.length > 1
      ? { code: 'email_several', message: 'holds several addresses, or one that can be read more than one way; each is blocked' }
      : null, `warning ${JSON.stringify(raw)}`)
  }
})

t.test('bounded: at most MAX_ADDRESSES addresses a field, whatever the field holds', async (t) => {
  const fields = [
    Array.from({ length: 40 }, (_, i) => `a${i}@example.org`).join(',').slice(0, 320),
    Array.from({ length: 40 }, (_, i) => `a${i} at example dot org`).join(' , ').slice(0, 320),
    '@'.repeat(320), '@.'.repeat(160), 'a@b.'.repeat(80), ' at '.repeat(80), ' dot '.repeat(64), ',@,.'.repeat(80),
    '(at)'.repeat(80), '[at]x'.repeat(64), '"'.repeat(320), '"a"@'.repeat(80), '('.repeat(160) + ')'.repeat(160),
    '<'.repeat(160) + '@' + '>'.repeat(159), 'mailto:' + 'a@b.co,'.repeat(44), 'mailto:x?' + 'cc=a@b.co&'.repeat(31),
    'a '.repeat(159) + '@', 'a @ '.repeat(80), 'a.b@c.d '.repeat(40)
  ]
  for (const raw of fields) {
    t.ok(raw.length <= 320, `${raw.slice(0, 12)}... is a field the schema allows`)
    const k = emailKeys(raw)
    const addressKeys = k.lookup.filter((key) => key.startsWith('e:'))
    t.ok(addressKeys.length <= MAX_ADDRESSES, `${addressKeys.length} addresses read from ${JSON.stringify(raw.slice(0, 12))}...`)
    t.ok(k.lookup.length <= MAX_ADDRESSES + 1 && k.store.length <= MAX_ADDRESSES, `key counts of ${JSON.stringify(raw.slice(0, 12))}...`)
  }
  t.equal(emailKeys(fields[0] ?? '').store.length, 20, 'a long list is read whole: the 20 addresses that fit (the 21st is cut in its domain)')
  t.equal(emailKeys(fields[1] ?? '').store.length, 13, 'a long list of disguised addresses too: 13 fit')
})

t.test('no field the schema allows holds more addresses than are read: the last one is always read', async (t) => {
  // the shortest distinct addresses there are: one letter, an @, and ㏂ (`a.m.`) for the domain
  const short = (i: number) => `${String.fromCodePoint(0x4e00 + i)}@\u33c2`
  const plain = (i: number) => `a${i}@b.co`
  for (const [make, sep] of [[short, ','], [short, ' '], [plain, ','], [(i: number) => `x${i} at y dot co`, ', ']] as const) {
    const others: string[] = []
    const victim = 'tom.smith@example.net'
    while ([...others, make(others.length), victim].join(sep).length <= 320) others.push(make(others.length))
    const raw = [...others, victim].join(sep)
    t.ok(raw.length <= 320, `${others.length} other addresses, then the blocked one, in a field the schema allows`)
    const k = emailKeys(raw)
    t.ok(k.lookup.includes('e:tom.smith@example.net'), `the last address is read after ${others.length} others`)
    t.equal(k.store.length, others.length + 1, 'every address is read')
  }
  t.ok(emailKeys(Array.from({ length: 80 }, (_, i) => short(i)).join(',')).store.length === MAX_ADDRESSES, 'the densest field is exactly the cap')
})

t.test('a check also looks up the exact-text key of its raw text', async (t) => {
  const rows: Array<[string, string[]]> = [
    ['victim.fixture@example.org', [PLAIN, 'e?:victim.fixture@example.org']],
    [' Victim Fixture <Victim.Fixture+x@example.org> ', [PLAIN, 'e?:victimfixture<victim.fixture+x@example.org>']],
    ['MAILTO:Test.Victim.Fixture@GoogleMail.com', [GMAIL, 'e?:mailto:test.victim.fixture@googlemail.com']],
    ['jöhn@bücher.example', [IDN, 'e?:jöhn@bücher.example']]
  ]
  for (const [raw, lookup] of rows) t.same(emailKeys(raw).lookup, lookup, JSON.stringify(raw))
})

t.test('text that is not an address is blocked by its exact text, with a warning', async (t) => {
  for (const [raw, key] of unparsed) {
    const k = emailKeys(raw)
    t.same(k.store, [key], `store ${JSON.stringify(raw)}`)
    t.same(k.lookup, [key], `lookup ${JSON.stringify(raw)}`)
    t.equal(k.warning?.code, 'email_unparsed', `warning ${JSON.stringify(raw)}`)
    t.equal(k.reject, null, `no reject ${JSON.stringify(raw)}`)
  }
})

t.test('empty text is rejected and keys nothing', async (t) => {
  for (const raw of rejected) {
    const k = emailKeys(raw)
    t.same(k.store, [], `store ${JSON.stringify(raw)}`)
    t.same(k.lookup, [], `lookup ${JSON.stringify(raw)}`)
    t.same(k.reject, { code: 'email_empty', message: 'is empty' }, JSON.stringify(raw))
    t.equal(k.warning, null, `no warning ${JSON.stringify(raw)}`)
  }
})

t.test('warnings and rejections never carry the value', async (t) => {
  for (const raw of [...unparsed.map(([r]) => r), ...rejected]) {
    const k = emailKeys(raw)
    const text = JSON.stringify([k.warning, k.reject]).toLowerCase()
    const trimmed = raw.trim().toLowerCase()
    if (trimmed !== '') t.notOk(text.includes(trimmed), `text of ${JSON.stringify(raw)}`)
    for (const part of trimmed.split(/[\s@<>,;."]+/)) {
      if (part.length >= 4) t.notOk(text.includes(part), `${JSON.stringify(part)} of ${JSON.stringify(raw)}`)
    }
  }
  t.same(emailKeys('victim.fixture').warning, {
    code: 'email_unparsed',
    message: 'could not be read as an email address; blocked by its exact text'
  })
})

t.test('a block meets a check when it should', async (t) => {
  for (const [entry, check] of mustMeet) {
    t.ok(meets(entry, check), `${JSON.stringify(entry)} blocks ${JSON.stringify(check)}`)
  }
  // every parsed form blocks every other form of the same address
  const byKey = new Map<string, string[]>()
  for (const [raw, key] of parsed) byKey.set(key, [...(byKey.get(key) ?? []), raw])
  for (const forms of byKey.values()) {
    for (const entry of forms) {
      for (const check of forms) {
        if (!meets(entry, check)) t.fail(`${JSON.stringify(entry)} must block ${JSON.stringify(check)}`)
      }
    }
  }
})

t.test('a block does not meet a different mailbox', async (t) => {
  for (const [entry, check] of mustNotMeet) {
    t.notOk(meets(entry, check), `${JSON.stringify(entry)} must not block ${JSON.stringify(check)}`)
    t.notOk(meets(check, entry), `${JSON.stringify(check)} must not block ${JSON.stringify(entry)}`)
  }
})

t.test('property: anything not blank is blocked by something; keys carry their prefix', async (t) => {
  const unit = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('@', '.', ' ', ',', ';', '<', '>', '(', ')', '"', ' at ', ' dot ', 'mailto:', 'a@b.org'))
  fc.assert(fc.property(fc.array(unit, { maxLength: 40 }).map((units) => units.join('').slice(0, 320)), (raw) => {
    const k = emailKeys(raw)
    if (k.reject !== null) return k.store.length === 0 && raw.trim() === ''
    return k.store.length >= 1 && k.store.length <= 8 && k.store.every((key) => k.lookup.includes(key)) &&
      k.lookup.every((key) => key.startsWith('e:') || key.startsWith('e?:'))
  }))
  t.pass('held for sampled strings')
})

t.test('property: case and +tags never split one mailbox', async (t) => {
  const local = fc.stringMatching(/^[a-z][a-z0-9.]{0,15}[a-z0-9]$/)
  const tag = fc.stringMatching(/^[a-z0-9]{0,8}$/)
  fc.assert(fc.property(local, tag, (l, tg) => {
    if (l.includes('..')) return true
    const key = `e:${l}@example.org`
    return emailKeys(`${l}@example.org`).store[0] === key &&
      emailKeys(`${l.toUpperCase()}+${tg}@EXAMPLE.org`).store[0] === key
  }))
  t.pass('held for sampled mailboxes')
})
