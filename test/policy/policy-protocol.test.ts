import t from 'tap'
import { createPolicyReader, formatAnswer } from '../../src/policy/policy-protocol.js'

const REQUEST = [
  'request=smtpd_access_policy',
  'protocol_state=RCPT',
  'protocol_name=ESMTP',
  'sender=A1234BC@prison.example',
  'recipient=jane.victim@example.org',
  'client_address=127.0.0.1',
  'ccert_subject=',
  ''
].join('\n') + '\n'

t.test('one request, read from the empty line that ends it', async (t) => {
  const reader = createPolicyReader()
  const { requests, error } = reader.push(REQUEST)
  t.equal(error, null)
  t.equal(requests.length, 1)
  const request = requests[0]
  t.equal(request?.get('request'), 'smtpd_access_policy')
  t.equal(request?.get('recipient'), 'jane.victim@example.org')
  t.equal(request?.get('ccert_subject'), '', 'an empty value is a value')
  t.equal(request?.size, 7)
})

t.test('requests split anywhere, even one character at a time, come out the same', async (t) => {
  const reader = createPolicyReader()
  const requests = []
  const text = REQUEST + REQUEST.replace('jane.victim', 'someone.else')
  for (const char of text) {
    const result = reader.push(char)
    t.equal(result.error, null)
    requests.push(...result.requests)
  }
  t.same(requests.map((r) => r.get('recipient')), ['jane.victim@example.org', 'someone.else@example.org'])
})

t.test('many requests in one piece, in order; a value may hold = and non-ASCII', async (t) => {
  const reader = createPolicyReader()
  const many = Array.from({ length: 50 }, (_, i) => `request=smtpd_access_policy\nrecipient=r${i}@example.org\n\n`).join('')
  const { requests, error } = reader.push(many + 'request=smtpd_access_policy\nrecipient=a=b@bücher.example\n\n')
  t.equal(error, null)
  t.equal(requests.length, 51)
  t.equal(requests[49]?.get('recipient'), 'r49@example.org')
  t.equal(requests[50]?.get('recipient'), 'a=b@bücher.example')
})

t.test('a CR before the newline is not part of the value; a name sent twice keeps the first', async (t) => {
  const { requests } = createPolicyReader().push('request=smtpd_access_policy\r\nrecipient=first@example.org\r\nrecipient=second@example.org\r\n\r\n')
  t.equal(requests[0]?.get('request'), 'smtpd_access_policy')
  t.equal(requests[0]?.get('recipient'), 'first@example.org')
})

t.test('a half-sent request is held, not answered', async (t) => {
  const reader = createPolicyReader()
  t.same(reader.push('request=smtpd_access_policy\nrecipient=jane').requests, [])
  t.equal(reader.push('.victim@example.org\n').requests.length, 0)
  t.equal(reader.push('\n').requests[0]?.get('recipient'), 'jane.victim@example.org')
})

t.test('what Postfix never sends breaks the connection, and nothing after it is read', async (t) => {
  const cases: Array<[string, string]> = [
    ['GET / HTTP/1.1\r\n', 'malformed_line'],
    ['=value\n', 'malformed_line'],
    ['na me=value\n', 'malformed_line'],
    ['\n', 'empty_request'],
    ['request=smtpd_access_policy\n\n\n', 'empty_request'],
    [`recipient=${'x'.repeat(5000)}\n`, 'line_too_long'],
    [Array.from({ length: 129 }, (_, i) => `a${i}=1\n`).join(''), 'too_many_attributes'],
    ['\u0000\u0001\u0002=\n', 'malformed_line']
  ]
  for (const [text, expected] of cases) {
    const reader = createPolicyReader()
    t.equal(reader.push(text).error, expected, JSON.stringify(text.slice(0, 30)))
    t.same(reader.push(REQUEST), { requests: [], error: expected }, 'stays broken')
  }
})

t.test('a line without its newline may not grow past the limit either', async (t) => {
  const reader = createPolicyReader({ maxLine: 100, maxAttributes: 10 })
  t.equal(reader.push('recipient=' + 'x'.repeat(80)).error, null)
  t.equal(reader.push('x'.repeat(20)).error, 'line_too_long', 'caught before any newline comes')
  const exact = createPolicyReader({ maxLine: 100, maxAttributes: 10 })
  t.equal(exact.push('r=' + 'x'.repeat(98) + '\n').error, null, 'exactly the limit is fine')
  t.equal(createPolicyReader({ maxLine: 100, maxAttributes: 10 }).push('r=' + 'x'.repeat(98) + '\r\n').error, null, 'and its CR')
  t.equal(createPolicyReader({ maxLine: 100, maxAttributes: 10 }).push('r=' + 'x'.repeat(99) + '\n').error, 'line_too_long', 'one past it is not')
})

t.test('a request may hold at most maxRequestBytes (UTF-8, its ending empty line included), however short its lines', async (t) => {
  const limits = { maxRequestBytes: 1024 }
  // ten lines of 100 characters and a newline: 1010 bytes
  const ten = Array.from({ length: 10 }, (_, i) => `a${i}=${'x'.repeat(97)}\n`).join('')
  t.equal(createPolicyReader(limits).push(`${ten}b=${'x'.repeat(10)}\n\n`).requests.length, 1, '1010 + 13 + 1 = 1024 bytes: read')
  t.equal(createPolicyReader(limits).push(`${ten}b=${'x'.repeat(11)}\n\n`).error, 'request_too_large', '1025 bytes: not')
  t.equal(createPolicyReader(limits).push(`${ten}b=${'é'.repeat(6)}\n\n`).error, 'request_too_large', 'é is two bytes: 1010 + 15 + 1 = 1026')
  t.equal(createPolicyReader(limits).push(`${ten}b=${'x'.repeat(20)}`).error, 'request_too_large', 'caught before the line ends')
  t.equal(createPolicyReader(limits).push(`${ten}\n${ten}\n${ten}\n`).requests.length, 3, 'each request counts alone')
  const trickle = createPolicyReader(limits)
  let error = null
  for (let i = 0; i < 20 && error === null; i++) error = trickle.push(`a${i}=${'x'.repeat(97)}\n`).error
  t.equal(error, 'request_too_large', 'a request sent a line at a time is caught all the same')
})

t.test('midRequest: true while a request has begun and not ended', async (t) => {
  const reader = createPolicyReader()
  t.equal(reader.midRequest, false, 'nothing yet')
  reader.push('request=smtpd_')
  t.equal(reader.midRequest, true, 'half a line')
  reader.push('access_policy\n')
  t.equal(reader.midRequest, true, 'a whole line, no empty line yet')
  reader.push('\n')
  t.equal(reader.midRequest, false, 'answered')
  reader.push('=x\n')
  t.equal(reader.midRequest, false, 'broken: nothing more is read')
})

t.test('answers: the action, our text, an empty line', async (t) => {
  t.equal(formatAnswer('DUNNO'), 'action=DUNNO\n\n')
  t.equal(formatAnswer('REJECT', '5.7.1 No'), 'action=REJECT 5.7.1 No\n\n')
  t.equal(formatAnswer('DEFER', ''), 'action=DEFER\n\n')
  t.throws(() => formatAnswer('DEFER', 'two\nlines'), /one line/)
})
