/**
 * npm run eval: runs the matching corpus (test/fixtures/match/) through the real API path and prints
 * recall and precision per kind and per class, then the failing cases (debatable ones apart). See
 * match-eval.ts. `--generated N` also runs the metamorphic catalogues (scripts/lib/metamorphic/)
 * N times a transformation, from `--seed S` (default: a new seed, printed so a failure can be run
 * again).
 */
import { formatClasses, formatReport, runCases, scoreClasses, scoreOutcomes } from './match-eval.js'
import { numberArg } from './lib/args.js'
import { runGenerated } from './lib/metamorphic/run-all.js'

const started = performance.now()
const outcomes = await runCases((await import('./match-eval.js')).loadCorpus())
process.stdout.write(`${formatReport(scoreOutcomes(outcomes))}\n\n${formatClasses(scoreClasses(outcomes))}\n\n`)
process.stdout.write(`every case went through POST /v1/entries and POST /v1/check on a temporary store (${((performance.now() - started) / 1000).toFixed(1)} s)\n`)

const generated = numberArg('generated', 0)
if (generated > 0) {
  const seed = numberArg('seed', Math.floor(Math.random() * 2 ** 31))
  const { report, failed } = runGenerated(generated, seed)
  process.stdout.write(`\n${report}\n`)
  if (failed > 0) process.exitCode = 1
}
