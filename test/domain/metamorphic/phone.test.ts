import t from 'tap'
import { holdCatalogue } from './run.js'
import { phoneCatalogue } from '../../../scripts/lib/metamorphic/phone.js'

t.test('phone: generated numbers keep their block through every rewrite, and neighbours do not meet it', async (t) => holdCatalogue(t, phoneCatalogue))
