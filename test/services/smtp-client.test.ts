import t from 'tap'
import { messageText } from '../../src/services/smtp-client.js'

t.test('the message text: CRLF lines, a leading dot doubled, no line break into a header', async (t) => {
  const text = messageText({
    from: 'upc-guard@mail.prison.example',
    to: ['security@hli.prison.example', 'duty@hli.prison.example'],
    subject: 'Alert 7\r\nBcc: someone@example.org',
    text: 'first\n.\n..two\nlast',
    date: new Date(Date.UTC(2026, 11, 7, 9, 30, 0)),
    messageId: 'abc@upc-guard'
  })
  t.equal(text, [
    'From: upc-guard@mail.prison.example',
    'To: security@hli.prison.example, duty@hli.prison.example',
    'Subject: Alert 7 Bcc: someone@example.org',
    'Date: Mon, 07 Dec 2026 09:30:00 +0000',
    'Message-ID: <abc@upc-guard>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'first',
    '..',
    '...two',
    'last'
  ].join('\r\n'))
})
