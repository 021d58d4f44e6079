/**
 * Reading the addresses an email field holds, when it is more than one plain address: a list
 * (`a@example.org; b@example.net`, `Mum <a@example.org>, Tom <b@example.net>`), a mailto: URI with
 * its to, cc and bcc, an address written to dodge a filter (`jane [at] example [dot] org`,
 * `jane dot doe at example dot org`, `j a n e @ e x a m p l e . o r g`), RFC 5322 quoted local parts
 * and comments. Each address found is returned as `local@domain` text for the keying in email.ts,
 * which judges whether it is an address at all.
 *
 * The steps, in order, on text already folded (src/domain/fold.ts):
 * 1. Line breaks are list separators; any other run of white space is one space.
 * 2. A mailto: URI becomes the list of its addresses: the path's and those of its to, cc and bcc
 *    fields, percent-decoded. Elsewhere, `%40` is an `@` when the text has no other.
 * 3. A bracketed at or dot (`[at]`, `(at)`, `{dot}`, `<.>`, `(a)`) becomes `@` or `.`.
 * 4. A quoted string before an `@` is a local part, its quotes and spaces dropped
 *    (`"jane.doe"@example.org`); any other quoted string is a display name, dropped unless it holds
 *    an `@` (`"jane@example.org" <x@example.net>` holds two addresses, and both are read).
 * 5. A comment, `(...)`, is white space, wherever it stands (RFC 5322 CFWS), unless it holds an `@`:
 *    then it is an item of the list, like a quoted string.
 * 6. Commas and semicolons split the list into items. In an item with angle brackets, the addresses
 *    are what the brackets hold (and any @ outside them); the display name is dropped.
 * 7. In an item with no `@`, a spaced `at` is `@`; in any item a spaced `dot` is `.`; spaces around
 *    `@` and `.` are dropped. Text with neither an `@` nor an at-word stays prose: nothing is read.
 * 8. Each word holding an `@` is an address, or several run together (`a@example.org&b@example.net`:
 *    see runTogether). When the whole field holds exactly one `@`, its words
 *    joined are an address too (`jane@exam ple.org`, spaced letters, `jane doe@example.org`), since
 *    no second address can be merged into it; when the spaces are all in the local part, between a
 *    few words of two letters or more, the words joined by dots are one too (`jane doe@example.org`
 *    may be jane.doe: a space typed where the dot was); a one-letter local part
 *    after another lone letter is then a spaced letter, not an address of its own.
 *
 * Every regular expression here is a single pass with no nested or adjacent overlapping
 * quantifiers, so the work is linear in the text; at most MAX_ADDRESSES are read.
 *
 * Pure: no I/O, no state between calls.
 */

/** The most addresses one field is read into: a list longer than this is cut here. */
export const MAX_ADDRESSES = 8

const LINE_BREAKS = /[\r\n\u2028\u2029]+/gu
const SPACES = /\s+/gu
/** A mailto: URI, up to the first character a URI cannot hold. */
const MAILTO = /mailto:([^\s<>"]*)/giu
const PERCENT = /%([0-9a-f]{2})/giu
const ENCODED_AT = /%40/gu
/** `[at]`, `( at )`, `{dot}`, `<.>`, `(a)`: one optional space either side after step 1. */
const BRACKETED = /[[({<] ?(?:at|a|@|dot|\.) ?[\])}>]/giu
const QUOTED = /"([^"]*)"( ?@)?/gu
const COMMENT = /\(([^()]*)\)/gu
const LEFTOVER = /["()]/gu
const ITEM_SEPARATORS = /[,;]/u
const ANGLE = /<([^<>]*)>/gu
const ANGLE_MARKS = /[<>]/gu
const AT_WORD = / at /giu
const DOT_WORD = / dot /giu
const SPACED_MARK = / ?([@.]) ?/gu

/** Percent-decoded text: UTF-8 sequences where they are whole, otherwise each ASCII %XX alone. */
function percentDecode (text: string): string {
  if (!text.includes('%')) return text
  try {
    return decodeURIComponent(text)
  } catch {
    return text.replace(PERCENT, (whole, hex: string) => {
      const code = parseInt(hex, 16)
      return code < 0x80 ? String.fromCharCode(code) : whole
    })
  }
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

/** Steps 1 to 6: the parts of the field that may each hold an address. */
function parts (folded: string): string[] {
  let text = folded.replace(LINE_BREAKS, ',').replace(SPACES, ' ')
  if (text.includes(':')) text = text.replace(MAILTO, (_whole, uri: string) => mailtoList(uri))
  // an @ percent-encoded outside a mailto: link (copied from a URL)
  if (!text.includes('@') && text.includes('%')) text = text.replace(ENCODED_AT, '@')
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

/** Step 7: an item's at- and dot-words read, spaces around `@` and `.` dropped, as words. */
function deobfuscated (part: string): string[] {
  let text = ' ' + part + ' '
  if (!text.includes('@')) text = text.replace(AT_WORD, '@')
  if (!text.includes('@')) return []
  return text.replace(DOT_WORD, '.').replace(SPACED_MARK, '$1').trim().split(' ')
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

/** Every address the field holds, as `local@domain` text (at most MAX_ADDRESSES); see the header. */
export function readAddresses (folded: string): string[] {
  const items = parts(folded).map(deobfuscated).filter((words) => words.length > 0)
  const only = items.length === 1 ? items[0] : undefined
  const joinable = only !== undefined && only.join('').split('@').length === 2
  const found: string[] = []
  for (const words of items) {
    for (const [i, word] of words.entries()) {
      if (found.length >= MAX_ADDRESSES) return found
      if (!word.includes('@')) continue
      const addresses = word.indexOf('@') === word.lastIndexOf('@') ? [word] : runTogether(word)
      for (const text of addresses) {
        const address = trimEdges(text)
        // a one-letter local part after a one-letter word is a spaced letter (`j a n e @ ...`)
        if (address.lastIndexOf('@') <= 1 && words[i - 1]?.length === 1) continue
        if (found.length < MAX_ADDRESSES) found.push(address)
      }
    }
  }
  if (joinable && only.length > 1) {
    if (found.length < MAX_ADDRESSES) found.push(trimEdges(only.join('')))
    const spacedName = only.length <= 4 && only.every((w) => w.length >= 2) && (only[only.length - 1] ?? '').includes('@')
    if (spacedName && found.length < MAX_ADDRESSES) found.push(trimEdges(only.join('.')))
  }
  return found
}
