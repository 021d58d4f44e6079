/** The shortest token accepted: `openssl rand -hex 32` gives 64 characters, the first-admin token 43. */
export const MIN_TOKEN_LENGTH = 24

/** Words of placeholder and guessable tokens, in lower case. */
const PLACEHOLDERS = ['change-me', 'changeme', 'change_me', 'password', 'passwd', 'secret', 'example', 'token', 'letmein', 'qwerty']

/** A run of at least this many characters, each the one before it or one step up or down, is a pattern. */
const RUN = 3

/**
 * Characters that sit in runs: `aaaa`, `abcdef`, `654321`. Each step is 0, +1 or -1 in character
 * code and the run keeps one step throughout.
 */
function charactersInRuns (text: string): number {
  let covered = 0
  let start = 0
  while (start < text.length - 1) {
    const step = text.charCodeAt(start + 1) - text.charCodeAt(start)
    let end = start + 1
    if (Math.abs(step) <= 1) {
      while (end + 1 < text.length && text.charCodeAt(end + 1) - text.charCodeAt(end) === step) end++
    }
    const length = end - start + 1
    if (Math.abs(step) <= 1 && length >= RUN) {
      covered += length
      start = end + 1
    } else {
      start++
    }
  }
  return covered
}

/** The shortest block the text repeats (`abcabcabc`: 3), or its own length when it repeats none. */
function period (text: string): number {
  for (let p = 1; p <= text.length / 2; p++) {
    let repeats = true
    for (let i = p; i < text.length && repeats; i++) repeats = text.charCodeAt(i) === text.charCodeAt(i - p)
    if (repeats) return p
  }
  return text.length
}

/**
 * Why a token is too weak to accept, in words that never quote it, or null. Too short, holding a
 * placeholder word (the `...-change-me` of an example), mostly one character or a run like
 * `abcdef` or `123456`, one short block repeated, or too few different characters. A token drawn
 * from a CSPRNG (`openssl rand -hex 32`) passes: each rule needs a pattern a random draw of 24 or
 * more characters almost never makes.
 */
export function weakTokenReason (token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH) return `is shorter than ${MIN_TOKEN_LENGTH} characters`
  const lower = token.toLowerCase()
  if (PLACEHOLDERS.some((word) => lower.includes(word))) return 'holds a placeholder word such as change-me, password, secret, example or token'
  if (charactersInRuns(lower) * 3 > lower.length * 2) return 'is mostly one repeated character or a run such as abcdef or 123456'
  if (period(lower) <= lower.length / 3) return 'repeats one short block'
  if (new Set(lower).size < 6) return 'has fewer than 6 different characters'
  return null
}

/**
 * Tokens published as examples or typed as placeholders. A config file holds only a token's
 * SHA-256, so these are refused by hash there; the empty token is what `printf %s "$TOKEN" |
 * sha256sum` hashes when TOKEN is unset, and a trailing newline what `echo` adds.
 */
export const PUBLISHED_TOKENS: readonly string[] = [
  '', 'change-me', 'changeme', 'password', 'secret', 'token',
  'hub-admin-token-change-me', 'hli-feed-token-change-me', 'hli-admin-token-change-me',
  'change-me-to-the-check-token'
].flatMap((token) => [token, `${token}\n`])
