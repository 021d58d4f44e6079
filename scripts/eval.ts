/**
 * npm run eval: runs the matching corpus (test/fixtures/match/) through the real API path and prints
 * recall and precision per kind, then the failing cases (debatable ones apart). See match-eval.ts.
 */
import { evaluate, formatReport } from './match-eval.js'

const started = performance.now()
const scores = await evaluate()
process.stdout.write(`${formatReport(scores)}\n\n`)
process.stdout.write(`every case went through POST /v1/entries and POST /v1/check on a temporary store (${((performance.now() - started) / 1000).toFixed(1)} s)\n`)
