/**
 * A port taken between the moment it was found free and the moment SIPp or Kamailio binds it: the
 * start tries a fresh port and ends with one its own process holds. Each start here is handed, first,
 * a port this test holds (the other process that got there first), then ports found free.
 */
import { createSocket } from 'node:dgram'
import type { Socket } from 'node:dgram'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { freeUdpPort, sipSkipReason, startKamailio, startUas, udpPortsOf } from '../../scripts/lib/sip.js'
import { TOKENS, tempDir } from '../helper.js'

async function holdUdpPort (t: Test): Promise<number> {
  const socket: Socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  t.teardown(() => socket.close())
  return socket.address().port
}

/** Hands out `taken` first, then free ports, and counts how many it handed out. */
function portsAfter (taken: number) {
  let given = 0
  return { next: async () => (++given === 1 ? taken : freeUdpPort()), given: () => given }
}

t.test('SIPp as the called party: its port taken first, it starts on a second one that it holds', { skip: sipSkipReason() }, async (t) => {
  const taken = await holdUdpPort(t)
  const ports = portsAfter(taken)
  const uas = await startUas(join(tempDir(t), 'called-party'), {}, ports.next)
  t.teardown(() => uas.stop())
  t.equal(ports.given(), 2, 'two ports tried: the taken one, then a free one')
  t.not(uas.port, taken, 'not the taken port')
  t.ok(uas.child.pid !== undefined && udpPortsOf(uas.child.pid).has(uas.port), 'SIPp itself holds the port it reports')
})

t.test('Kamailio: its port taken first, it starts on a second one that it holds and answers there', { skip: sipSkipReason() }, async (t) => {
  const taken = await holdUdpPort(t)
  const ports = portsAfter(taken)
  const kamailio = await startKamailio(join(tempDir(t), 'kamailio'), {
    gateway: '127.0.0.1:9', url: 'http://127.0.0.1:9', token: TOKENS.check
  }, ports.next)
  t.teardown(() => kamailio.stop())
  t.equal(ports.given(), 2, 'two ports tried: the taken one, then a free one')
  t.not(kamailio.port, taken, 'not the taken port')
  t.ok(kamailio.child.pid !== undefined && udpPortsOf(kamailio.child.pid).has(kamailio.port), 'Kamailio itself holds the port it reports')
})

t.test('a start whose every port is taken gives up after a bounded number of tries, naming why', { skip: sipSkipReason() }, async (t) => {
  const taken = await holdUdpPort(t)
  let given = 0
  await t.rejects(startUas(join(tempDir(t), 'called-party'), {}, async () => { given++; return taken }),
    /each of 5 ports was taken by another process/)
  t.equal(given, 5, 'five tries, each with the taken port')
})
