/**
 * The image as the Dockerfile describes it (no Docker engine is needed to read it): the supported
 * Node.js, and the health command that test/scripts/healthcheck.test.ts proves.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'

const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')
// Continuation lines joined, so that each instruction is one line.
const instructions = dockerfile.replace(/\\\n/g, ' ').split('\n').filter((line) => /^[A-Z]+\s/.test(line))

t.test('every stage is built on Node.js 24 LTS', async (t) => {
  const bases = instructions.filter((line) => line.startsWith('FROM '))
  t.equal(bases.length, 2, 'a build stage and a run stage')
  for (const base of bases) t.match(base, /^FROM node:24-bookworm-slim\b/)
})

t.test('the health check runs scripts/healthcheck.mjs, which the image holds', async (t) => {
  const health = instructions.filter((line) => line.startsWith('HEALTHCHECK '))
  t.equal(health.length, 1)
  t.match(health[0], /CMD \["node", "scripts\/healthcheck\.mjs"\]$/)
  t.notMatch(health[0], /healthz/, 'not liveness alone: a container whose index did not load must be unhealthy')
  t.ok(instructions.includes('COPY scripts/healthcheck.mjs ./scripts/healthcheck.mjs'), 'copied into the run stage')
})
