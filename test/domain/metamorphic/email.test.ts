import t from 'tap'
import { holdCatalogue } from './run.js'
import { emailCatalogue } from '../../../scripts/lib/metamorphic/email.js'

t.test('email: generated mailboxes keep their block through every rewrite, and neighbours do not meet it', async (t) => holdCatalogue(t, emailCatalogue))
