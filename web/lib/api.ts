/** Calls to the daemon's API on the same origin, with the signed-in user's token. */
export interface Answer { status: number, body: unknown }

/** The daemon could not be reached at all (network down, timeout, daemon stopped). */
export class Unreachable extends Error {}

const TIMEOUT_MS = 10_000

export async function call (token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
  } catch {
    throw new Unreachable('the daemon could not be reached')
  }
  let parsed: unknown = null
  try {
    parsed = await response.json()
  } catch {
    parsed = null
  }
  return { status: response.status, body: parsed }
}

export function field (body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
}

/** The API's own words for a 4xx: they name the field, never the value sent. */
export function apiMessage (body: unknown): string {
  const message = field(body, 'message')
  return typeof message === 'string' ? message : 'the request was refused'
}

/** What a sign-in or a later call says when the token is refused. */
export function tokenProblem (status: number, role: 'check' | 'admin'): string {
  if (status === 401) {
    return 'That token was not accepted. It may be mistyped, or it may have expired or been withdrawn. ' +
      'Check it, or ask the system administrator for a new one.'
  }
  if (status === 403) {
    return role === 'check'
      ? 'That token cannot check letters: it needs the check role.'
      : 'That token cannot manage blocks: it needs the admin role.'
  }
  return `upc-guard could not check the token (error ${status}). Try again in a minute.`
}
