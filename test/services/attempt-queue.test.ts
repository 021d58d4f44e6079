import t from 'tap'
import { createAttemptQueue } from '../../src/services/attempt-queue.js'

const attempt = (at: number) => ({ at, prisoner: 'A1234BC', channel: 'phone', entryIds: ['e1'], heldForOthers: [] })

t.test('oldest first, across the end of the ring; full: the newest is dropped and counted', async (t) => {
  const queue = createAttemptQueue(3)
  queue.push(attempt(1))
  queue.push(attempt(2))
  t.same(queue.drain().map((a) => a.at), [1, 2])
  // head is now at 2: these wrap round the end of the ring
  queue.push(attempt(3))
  queue.push(attempt(4))
  queue.push(attempt(5))
  t.equal(queue.length, 3)
  queue.push(attempt(6))
  t.equal(queue.dropped, 1)
  t.equal(queue.length, 3)
  t.same(queue.drain().map((a) => a.at), [3, 4, 5])
  t.equal(queue.length, 0)
  t.same(queue.drain(), [])
  queue.push(attempt(7))
  t.same(queue.drain().map((a) => a.at), [7], 'room again once drained')
  t.equal(queue.dropped, 1)
})
