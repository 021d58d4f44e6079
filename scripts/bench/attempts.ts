/** Contact attempts as users write them: a mix of notations of details that are blocked and not. */
import type { CheckBody } from '../../src/schemas/check.js'
import { details } from './generate.js'

const PHONE_NOTATIONS: Array<(national: string) => string> = [
  (n) => n,
  (n) => `+44 ${n.slice(1)}`,
  (n) => n.replace(/ /g, ''),
  (n) => `0044 ${n.slice(1, 5)} ${n.slice(6, 9)} ${n.slice(9)}`,
  (n) => `(${n.slice(0, 5)}) ${n.slice(6)}`,
  (n) => `+44 (0)${n.slice(1)}`,
  (n) => `+44${n.slice(1).replace(/ /g, '')}`
]
const EMAIL_NOTATIONS: Array<(email: string) => string> = [
  (e) => e,
  (e) => e.toUpperCase(),
  (e) => e.replace('@', '+news@'),
  (e) => `  ${e} `
]
const ADDRESS_NOTATIONS: Array<(address: string) => string> = [
  (a) => a,
  (a) => a.toLowerCase(),
  (a) => a.replace(/, /g, '\n'),
  (a) => a.replace('Avenue', 'Ave').replace('Road', 'Rd').replace('Street', 'St').replace('Gardens', 'Gdns')
]

/**
 * `count` attempts of one kind over detail numbers 0..2*detailCount. Half the numbers were given
 * out, and a number is only in the store for the kind its detail was (half phones, 30% emails, 20%
 * addresses: generate.ts); 80% of entries apply to A1234BC. So about 20% of phone, 12% of email and
 * 8% of address attempts are blocked.
 */
export function attempts (kind: 'phone' | 'email' | 'address', count: number, detailCount: number, seed = 1): CheckBody[] {
  const d = details(seed)
  const out: CheckBody[] = []
  for (let i = 0; i < count; i++) {
    const j = (i * 104729) % Math.max(1, detailCount * 2)
    if (kind === 'phone') out.push({ channel: 'phone', prisoner: 'A1234BC', phone: (PHONE_NOTATIONS[i % PHONE_NOTATIONS.length] as (n: string) => string)(d.phone(j)) })
    else if (kind === 'email') out.push({ channel: 'email', prisoner: 'A1234BC', email: (EMAIL_NOTATIONS[i % EMAIL_NOTATIONS.length] as (e: string) => string)(d.email(j)) })
    else out.push({ channel: 'mail', prisoner: 'A1234BC', address: (ADDRESS_NOTATIONS[i % ADDRESS_NOTATIONS.length] as (a: string) => string)(d.address(j)) })
  }
  return out
}

/** 50 bodies of /v1/check/batch, each `items` consecutive attempts of `mix`, as the bench loads it. */
export function batchBodies (mix: readonly CheckBody[], items: number): string[] {
  const span = mix.length - items
  return Array.from({ length: 50 }, (_, i) => JSON.stringify({ items: mix.slice((i * items) % span, ((i * items) % span) + items) }))
}
