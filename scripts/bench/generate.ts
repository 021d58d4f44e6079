/**
 * Synthetic entries for the benchmark, generated in memory and never committed: UK mobile numbers
 * spread over the whole 07xxx space (the drama ranges hold only a few thousand numbers), example.org
 * emails and made-up addresses with well-formed postcodes. Deterministic for a given seed.
 */
import type { CreateEntryBody } from '../../src/schemas/entry.js'

/** mulberry32: a small, fast, seedable PRNG. */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const STREETS = ['Acacia Avenue', 'Laburnum Grove', 'Privet Drive', 'Cherry Tree Lane', 'Wisteria Walk', 'Juniper Close', 'Rowan Road', 'Hawthorn Street', 'Alder Crescent', 'Sycamore Gardens']
const TOWNS = ['Leeds', 'Hull', 'York', 'Wakefield', 'Bradford', 'Harrogate', 'Doncaster', 'Selby']
const AREAS = ['LS', 'HU', 'YO', 'WF', 'BD', 'HG', 'DN']
const LETTERS = [...'ABDEFGHJLNPQRSTUWXYZ']

export interface Synthetic {
  phone: (i: number) => string
  email: (i: number) => string
  address: (i: number) => string
}

/** The i-th synthetic detail of each kind: the same i always gives the same detail. */
export function details (seed: number): Synthetic {
  const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T
  return {
    phone: (i) => {
      const n = (i * 2654435761 + seed) >>> 0
      return `07${1 + (n % 9)}${String(Math.floor(n / 9) % 100).padStart(2, '0')} ${String((i * 7919 + seed) % 1_000_000).padStart(6, '0')}`
    },
    email: (i) => `person.${i}.${seed % 97}@example.org`,
    // The house number and the postcode are i's digits in mixed radix (300 numbers a postcode, 7 areas,
    // 20 districts, 10 sectors, 20 x 20 units): no two of the first 168 million share both, so the
    // share of attempts that meet an entry is the same at every index size (a form that repeated
    // would make most address attempts meet an entry in a large store).
    address: (i) => {
      const house = 1 + (i % 300)
      const k = Math.floor(i / 300)
      const postcode = `${pick(AREAS, k)}${1 + (Math.floor(k / 7) % 20)} ${Math.floor(k / 140) % 10}${pick(LETTERS, Math.floor(k / 1400))}${pick(LETTERS, Math.floor(k / 28_000))}`
      const flat = i % 3 === 0 ? `Flat ${1 + (i % 12)}, ` : ''
      return `${flat}${house} ${pick(STREETS, i >> 2)}, ${pick(TOWNS, i >> 5)} ${postcode}`
    }
  }
}

/** N entries with one to four details each and a mix of scopes, for establishment `here`. */
export function * entries (count: number, here: string, seed = 1): Generator<CreateEntryBody> {
  const random = prng(seed)
  const d = details(seed)
  let detail = 0
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(random() * 4)
    const phones: string[] = []
    const emails: string[] = []
    const addresses: string[] = []
    for (let k = 0; k < n; k++) {
      const kind = random()
      if (kind < 0.5) phones.push(d.phone(detail++))
      else if (kind < 0.8) emails.push(d.email(detail++))
      else addresses.push(d.address(detail++))
    }
    const scopeRoll = random()
    const scope = scopeRoll < 0.7 ? 'establishment' : scopeRoll < 0.9 ? 'prisoner' : 'national'
    yield {
      scope,
      ...(scope === 'prisoner' ? { prisoner: `A${String(i % 10000).padStart(4, '0')}BC` } : {}),
      establishment: here,
      phones,
      emails,
      addresses,
      reason: 'synthetic benchmark entry'
    }
  }
}
