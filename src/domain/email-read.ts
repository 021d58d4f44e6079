/**
 * Reading the addresses an email field holds, when it is more than one plain address: a list
 * (`a@example.org; b@example.net`, `Mum <a@example.org>, Tom <b@example.net>`), a mailto: URI with
 * its to, cc and bcc, an address written to dodge a filter (`jane [at] example [dot] org`,
 * `jane dot doe at example dot org`, `j a n e @ e x a m p l e . o r g`), RFC 5322 quoted local parts
 * and comments. Each address found is returned as `local@domain` text for the keying in email.ts,
 * which judges whether it is an address at all.
 *
 * The steps, in order, on text already folded (src/domain/fold.ts):
 * 1. A field that holds %XX escapes and no mailto: URI is percent-decoded (`jane%2Edoe%40example%2Eorg`,
 *    copied from a URL), up to three times (an escape may itself be escaped), and folded again; an
 *    escape that is not whole UTF-8 stays as it is written.
 * 2. Line breaks are list separators; any other run of white space is one space.
 * 3. A mailto: URI becomes the list of its addresses: the path's and those of its to, cc and bcc
 *    fields, percent-decoded (a subject or body is no recipient, so it is not decoded beforehand).
 * 4. A bracketed at or dot (`[at]`, `(at)`, `{dot}`, `<.>`, `(a)`) becomes `@` or `.`.
 * 5. A quoted string before an `@` is a local part, its quotes and spaces dropped
 *    (`"jane.doe"@example.org`); any other quoted string is a display name, dropped unless it holds
 *    an `@` (`"jane@example.org" <x@example.net>` holds two addresses, and both are read).
 * 6. A comment, `(...)`, is white space, wherever it stands (RFC 5322 CFWS), unless it holds an `@`:
 *    then it is an item of the list, like a quoted string.
 * 7. Commas and semicolons split the list into items. In an item with angle brackets, the addresses
 *    are what the brackets hold (and any @ outside them); the display name is dropped.
 * 8. In an item with no `@`, an `at` word is `@`, and an at or dot word may stand between spaces,
 *    hyphens, underscores or slashes (`jane-at-example.org`, `jane_dot_doe_at_example_dot_org`);
 *    where the item has its own `@`, only a spaced dot word is read (`jane_dot_doe@` may be a real
 *    mailbox). The dot words are `dot`, `full stop` and `period`. Spaces around `@` are dropped,
 *    and around a `.` that has one before it (`example . org`, not the end of a sentence). Text with neither an `@` nor an at word stays prose: nothing is read.
 * 9. Each word holding an `@` is an address, or several run together (`a@example.org&b@example.net`:
 *    see runTogether). When the whole field holds exactly one `@`, its words
 *    joined are an address too (`jane@exam ple.org`, spaced letters, `jane doe@example.org`), since
 *    no second address can be merged into it; when the spaces are all in the local part, between a
 *    few words of two letters or more, the words joined by dots are one too (`jane doe@example.org`
 *    may be jane.doe: a space typed where the dot was); a one-letter local part
 *    after another lone letter is then a spaced letter, not an address of its own. A label before
 *    the local part, ending in a colon (`SMTP:`, `sip:`, `e-mail:`, as in directory exports), is no
 *    part of the address: an unquoted local part cannot hold a colon.
 *
 * Every regular expression here is a single pass with no nested or adjacent overlapping
 * quantifiers, so the work is linear in the text; at most MAX_ADDRESSES are read.
 *
 * Pure: no I/O, no state between calls.
 */
import { foldText } from './fold.js'

/**
 * The most addresses one field is read into. No field the schema allows (320 characters) holds more,
 * so no address of a list is ever left unread: an address takes at least three characters of the
 * field (a local part, an `@` and a domain: `a@㏂`, where ㏂ folds to `a.m.`) and the next one a
 * separator, so 320 characters hold at most 80. Each address gives one key, so a field gives at most
 * 80 keys and the exact-text key.
 */
export const MAX_ADDRESSES = 80

const LINE_BREAKS = /[\r\n\u2028\u2029]+/gu
const SPACES = /\s+/gu
/** A mailto: URI, up to the first character a URI cannot hold. */
const MAILTO = /mailto:([^\s<>"]*)/giu
const PERCENT = /%([0-9a-f]{2})/giu
/** A run of %XX escapes: decoded together, since one UTF-8 character takes several. */
const PERCENT_RUN = /(?:%[0-9a-f]{2})+/giu
const HAS_MAILTO = /mailto:/iu
/** Ideographic, half-width and full-width full stops, which NFKC leaves or makes `。`. */
const FULL_STOPS = /[\u3002\uFF0E\uFF61]/gu
/** `[at]`, `( at )`, `{dot}`, `<.>`, `(a)`: one optional space either side after step 1. */
const BRACKETED = /[[({<] ?(?:at|a|@|dot|\.) ?[\])}>]/giu
const QUOTED = /"([^"]*)"( ?@)?/gu
const COMMENT = /\(([^()]*)\)/gu
const LEFTOVER = /["()]/gu
const ITEM_SEPARATORS = /[,;]/u
const ANGLE = /<([^<>]*)>/gu
const ANGLE_MARKS = /[<>]/gu
const AT_WORD = /[ _/-]at[ _/-]/giu
const DOT_WORD = /[ _/-](?:dot|full ?stop|period)[ _/-]/giu
const SPACED_DOT_WORD = / (?:dot|full ?stop|period) /giu
/** Spaces around `@`, and around a dot with a space before it: a dot with a space after it only
 * ends a sentence or an abbreviation (`jane@example.org. tom@example.net` is two addresses). */
const SPACED_MARK = / ?@ ?| \. ?/gu

/**
 * Percent-decoded text, one run of escapes at a time: a run that is whole UTF-8 is decoded; in any
 * other run each ASCII %XX is, and the rest stays as written (decodeURIComponent throws on it).
 */
function percentDecode (text: string): string {
  if (!text.includes('%')) return text
  return text.replace(PERCENT_RUN, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run.replace(PERCENT, (whole, hex: string) => {
        const code = parseInt(hex, 16)
        return code < 0x80 ? String.fromCharCode(code) : whole
      })
    }
  })
}

/** Text as the reader takes it: folded (src/domain/fold.ts) and every full stop written `.`. */
export function foldEmailText (text: string): string {
  return foldText(text).replace(FULL_STOPS, '.')
}

/** Step 1: a field of %XX escapes, decoded (at most three times) and folded again. */
function decodedField (folded: string): string {
  if (!folded.includes('%') || HAS_MAILTO.test(folded)) return folded
  let text = folded
  for (let pass = 0; pass < 3; pass++) {
    const decoded = percentDecode(text)
    if (decoded === text) break
    text = decoded
  }
  return text === folded ? folded : foldEmailText(text)
}

/** The addresses of a mailto: URI (RFC 6068), as a list: `a@x.org,b@y.org,c@z.org`. */
function mailtoList (uri: string): string {
  const query = uri.indexOf('?')
  const found = [percentDecode(query === -1 ? uri : uri.slice(0, query))]
  if (query !== -1) {
    for (const field of uri.slice(query + 1).split('&')) {
      const equals = field.indexOf('=')
      const name = field.slice(0, equals).toLowerCase()
      if (equals > 0 && (name === 'to' || name === 'cc' || name === 'bcc')) found.push(percentDecode(field.slice(equals + 1)))
    }
  }
  return ',' + found.join(',') + ','
}

/** Characters that stand around an address in prose or markup, never at its ends. */
function isEdge (code: number): boolean {
  return code === 0x3c || code === 0x3e || code === 0x28 || code === 0x29 || code === 0x5b || code === 0x5d ||
    code === 0x7b || code === 0x7d || code === 0x22 || code === 0x27 || code === 0x60 || code === 0x3a ||
    code === 0x2c || code === 0x3b || code === 0x21 || code === 0x3f
}

/** The word without the punctuation around it (a loop, not a regex: no backtracking). */
function trimEdges (word: string): string {
  let start = 0
  let end = word.length
  while (start < end && isEdge(word.charCodeAt(start))) start++
  while (end > start && (isEdge(word.charCodeAt(end - 1)) || word.charCodeAt(end - 1) === 0x2e)) end--
  return word.slice(start, end)
}

/** Steps 1 to 7: the parts of the field that may each hold an address. */
function parts (folded: string): string[] {
  let text = decodedField(folded).replace(LINE_BREAKS, ',').replace(SPACES, ' ')
  if (text.includes(':')) text = text.replace(MAILTO, (_whole, uri: string) => mailtoList(uri))
  text = text.replace(BRACKETED, (mark) => mark.includes('.') || mark.toLowerCase().includes('d') ? '.' : '@')
  if (text.includes('"')) {
    text = text.replace(QUOTED, (_whole, content: string, at: string | undefined) => {
      if (at !== undefined) return content.replaceAll(' ', '') + '@'
      return content.includes('@') ? ',' + content + ',' : ' '
    })
  }
  if (text.includes('(')) text = text.replace(COMMENT, (_whole, content: string) => content.includes('@') ? ',' + content + ',' : ' ')
  text = text.replace(LEFTOVER, ' ')
  const out: string[] = []
  for (const item of text.split(ITEM_SEPARATORS)) {
    if (!item.includes('<')) {
      out.push(item)
      continue
    }
    const outside = item.replace(ANGLE, (_whole, inside: string) => {
      out.push(inside)
      return ' '
    })
    if (outside.includes('@')) out.push(outside)
  }
  return out.map((part) => part.replace(ANGLE_MARKS, ' '))
}

/** Step 8: an item's at and dot words read, spaces around `@` and `.` dropped, as words. */
function deobfuscated (part: string): string[] {
  let text = ' ' + part + ' '
  if (text.includes('@')) text = text.replace(SPACED_DOT_WORD, '.')
  else {
    text = text.replace(AT_WORD, '@')
    if (!text.includes('@')) return []
    text = text.replace(DOT_WORD, '.')
  }
  // a word with no @ that ends in a colon is a label (`Email:`, `SMTP:`), not part of an address
  return text.replace(SPACED_MARK, (mark) => mark.trim()).trim().split(' ').filter((word) => !word.endsWith(':') || word.includes('@'))
}

/** A character a domain may hold: letters, digits, `-`, `.`, and anything outside ASCII (IDN). */
function isDomainChar (code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) ||
    code === 0x2d || code === 0x2e || code >= 0x80
}

/**
 * The addresses of a word that holds several run together (`a@example.org&b@example.net`,
 * `a@example.org|b@example.net`): an address ends where its domain does, at the first character a
 * domain cannot hold, when its domain has a dot and another `@` follows. Any other word stays whole
 * (`odd@local@example.org` is split at its last `@` by the keying).
 */
function runTogether (word: string): string[] {
  const out: string[] = []
  let start = 0
  let at = word.indexOf('@')
  while (at !== -1) {
    let end = at + 1
    let dotted = false
    while (end < word.length && isDomainChar(word.charCodeAt(end))) {
      if (word.charCodeAt(end) === 0x2e) dotted = true
      end++
    }
    const next = word.indexOf('@', end + 1)
    if (!dotted || next === -1 || word.charCodeAt(end) === 0x40) break
    out.push(word.slice(start, end))
    start = end + 1
    at = next
  }
  out.push(word.slice(start))
  return out
}

/** The address without a label before its local part (`SMTP:jane@example.org`); see the header. */
function unlabelled (address: string): string {
  const at = address.indexOf('@')
  const colon = at === -1 ? -1 : address.lastIndexOf(':', at)
  return colon === -1 ? address : address.slice(colon + 1)
}

/** Three or more single letters or digits in a row, each after one space: `j a n e`. */
const SPACED_LETTERS = /(?<!\S)\S(?: \S){2,}(?!\S)/gu

/**
 * Every address the field holds, as `local@domain` text (at most MAX_ADDRESSES); see the header.
 * `prose`: the text is free text (a reason), not an email field. Its words are then never joined
 * across the whole text (step 9), since a sentence with one `at` in it is no spaced address
 * (`seen at Leeds. Met` is not `seenat@Leeds.Met`); only runs of single letters are joined
 * (`j a n e @ e x a m p l e . o r g`), before the text is read.
 */
export function readAddresses (folded: string, prose = false): string[] {
  const text = prose ? folded.replace(SPACED_LETTERS, (run) => run.replaceAll(' ', '')) : folded
  const items = parts(text).map(deobfuscated).filter((words) => words.length > 0)
  const only = items.length === 1 && !prose ? items[0] : undefined
  const joinable = only !== undefined && only.join('').split('@').length === 2
  const found: string[] = []
  for (const words of items) {
    for (const [i, word] of words.entries()) {
      if (found.length >= MAX_ADDRESSES) return found
      if (!word.includes('@')) continue
      const addresses = word.indexOf('@') === word.lastIndexOf('@') ? [word] : runTogether(word)
      for (const text of addresses) {
        const address = unlabelled(trimEdges(text))
        // a one-letter local part after a one-letter word is a spaced letter (`j a n e @ ...`)
        if (address.lastIndexOf('@') <= 1 && words[i - 1]?.length === 1) continue
        if (found.length < MAX_ADDRESSES) found.push(address)
      }
    }
  }
  if (joinable && only.length > 1) {
    if (found.length < MAX_ADDRESSES) found.push(unlabelled(trimEdges(only.join(''))))
    const spacedName = only.length <= 4 && only.every((w) => w.length >= 2) && (only[only.length - 1] ?? '').includes('@')
    if (spacedName && found.length < MAX_ADDRESSES) found.push(unlabelled(trimEdges(only.join('.'))))
  }
  return found
}
