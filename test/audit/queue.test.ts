import { Writable } from 'node:stream'
import pino from 'pino'
import t from 'tap'
import { createAuditQueue } from '../../src/audit/queue.js'

const record = (i: number) => ({ at: i, actor: 'pbx', action: 'check.decide' as const, entryId: null, reason: null, detail: { n: i } })

function logged () {
  const lines: Array<{ msg: string, dropped?: number }> = []
  const log = pino({ level: 'info' }, new Writable({ write (chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done() } }))
  return { lines, log }
}

t.test('push says when a batch is due: at the 500th record, not before', async (t) => {
  const queue = createAuditQueue(logged().log)
  const due = Array.from({ length: 501 }, (_, i) => queue.push(record(i + 1)))
  t.equal(due.indexOf(true), 499, 'the 500th push is the first that asks for a write')
  t.equal(queue.length, 501)
  const taken = queue.take()
  t.same(taken.map((r) => r.at).slice(0, 3), [1, 2, 3], 'in the order queued')
  t.equal(queue.length, 0, 'take empties the queue')
})

t.test('putBack puts a failed batch in front of what came since', async (t) => {
  const queue = createAuditQueue(logged().log)
  queue.push(record(1))
  queue.push(record(2))
  const failed = queue.take()
  queue.push(record(3))
  queue.putBack(failed)
  t.same(queue.take().map((r) => r.at), [1, 2, 3])
})

t.test('a full queue drops new records, keeps the old ones, and says so once a thousand', async (t) => {
  const { lines, log } = logged()
  const queue = createAuditQueue(log)
  for (let i = 1; i <= 100_000; i++) queue.push(record(i))
  t.equal(lines.length, 0, 'nothing said while there is room')
  let due = 0
  for (let i = 1; i <= 1001; i++) if (queue.push(record(100_000 + i))) due++
  t.equal(due, 0, 'a dropped record never asks for a write')
  t.equal(queue.length, 100_000, 'capped at 100,000')
  const taken = queue.take()
  t.equal(taken[0]?.at, 1, 'the oldest record kept')
  t.equal(taken.at(-1)?.at, 100_000, 'the newest kept is the last before the cap')
  t.same(lines.map((line) => [line.msg, line.dropped]), [['audit queue full; check records dropped', 1], ['audit queue full; check records dropped', 1001]])
})
