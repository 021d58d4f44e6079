import t from 'tap'
import { holdCatalogue } from './run.js'
import { addressCatalogue } from '../../../scripts/lib/metamorphic/address.js'

t.test('addresses: every keeping transformation meets the block, every neighbour does not', async (t) => holdCatalogue(t, addressCatalogue))
