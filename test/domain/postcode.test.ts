import t from 'tap'
import fc from 'fast-check'
import { findPostcode, findPostcodes, normalisePostcode, scannedPostcode } from '../../src/domain/postcode.js'

t.test('normalisePostcode: every format, any case and spacing, to the key form', async (t) => {
  const cases: Array<[string, string]> = [
    ['M1 1AE', 'M11AE'], // A9
    ['M14 5RT', 'M145RT'], // A99
    ['LS1 4AP', 'LS14AP'], // AA9
    ['LS21 1AB', 'LS211AB'], // AA99
    ['W1A 2XY', 'W1A2XY'], // A9A
    ['EC1A 4XY', 'EC1A4XY'], // AA9A
    ['ls14ap', 'LS14AP'],
    ['LS1  4AP', 'LS14AP'],
    [' ls1 4Ap ', 'LS14AP'],
    ['LS1-4AP', 'LS14AP'],
    ['ＬＳ１ ４ＡＰ', 'LS14AP'] // full-width, as some keyboards and scanners give
  ]
  for (const [written, key] of cases) t.equal(normalisePostcode(written), key, written)
})

t.test('normalisePostcode: letter/digit confusions where the format fixes the position', async (t) => {
  const cases: Array<[string, string]> = [
    ['LSI 4AP', 'LS14AP'], // I where the district digit must be
    ['LSl 4AP', 'LS14AP'], // lower-case l, read as L, then as 1
    ['LS1 4AP', 'LS14AP'],
    ['BD7 IDP', 'BD71DP'], // I where the inward digit must be
    ['BD7 1D8', 'BD71DB'], // 8 where an inward letter must be
    ['M14 SRT', 'M145RT'],
    ['LS21 1A8', 'LS211AB'],
    ['M1 1AE', 'M11AE'], // stays as written
    ['8S1 4DJ', 'BS14DJ'], // a digit first, read as the letter it looks like, as the one correction
    ['5W1A 2AA', 'SW1A2AA'],
    ['611 5RD', 'G115RD'],
    ['BS1 ADJ', 'BS14DJ'], // A where the inward digit must be
    ['SW1A 24A', 'SW1A2AA'], // 4 where an inward letter must be
    ['M1 14E', 'M11AE'],
    ['1S1 4AP', 'LS14AP'], // 1 in the area is I or L; only LS is an area
    ['TS7 0DQ', 'TS70DQ'],
    ['TS7 ODQ', 'TS70DQ'] // O where the inward digit must be
  ]
  for (const [written, key] of cases) t.equal(normalisePostcode(written), key, written)
})

t.test('normalisePostcode: not a postcode', async (t) => {
  const cases: Array<[string, string]> = [
    ['', 'empty'],
    ['LS1', 'outward code only'],
    ['LS1 4A9', 'a digit where an inward letter must be, with no letter it could be'],
    ['LS1 4CP', 'C is never an inward letter'],
    ['QS1 4AP', 'no such postcode area'],
    ['XX1 1XX', 'no such postcode area'],
    ['LS1 4AP12', 'too long'],
    ['5W1 4A8', 'starts with a digit and needs another correction'],
    ['611', 'a house number'],
    ['0L1 1AA', 'two real areas (OL, DL) from one written 0'],
    ['SWIM ADD', 'a word that corrections would make SW1M 4DD: no digit written'],
    ['85 OLD', 'house number and word: would need its first character corrected'],
    ['ELIAS', 'a word with no digit, although E1 1AS could be made of it'],
    ['LSI SAP', 'no digit written at all'],
    ['LSIO 1A8', 'more than two corrections']
  ]
  for (const [written, why] of cases) t.equal(normalisePostcode(written), null, `${written}: ${why}`)
})

t.test('normalisePostcode: ambiguous readings go to the fewest corrections', async (t) => {
  // L5I 4AP reads as L51 4AP with one correction, or LS1 4AP with two: the 5 was written, so keep it.
  t.equal(normalisePostcode('L5I 4AP'), 'L514AP')
})

t.test('findPostcode: the last postcode, with its span', async (t) => {
  const text = '14 Acacia Avenue, Leeds LS1 4AP'
  const match = findPostcode(text)
  t.same(match, { postcode: 'LS14AP', start: 24, end: 31 })
  t.equal(text.slice(match?.start, match?.end), 'LS1 4AP')

  t.equal(findPostcode('LS1 4AP\nM1 1AE')?.postcode, 'M11AE', 'the postcode is written last')
  t.equal(findPostcode('Leeds LS14AP, United Kingdom')?.postcode, 'LS14AP', 'a country line after it')
  t.equal(findPostcode('Leeds LSI 4AP')?.postcode, 'LS14AP', 'corrected in place')
  t.equal(findPostcode('Leeds ls1 4ap.')?.postcode, 'LS14AP', 'lower case, trailing full stop')
})

t.test('findPostcode: house numbers, words and line breaks are not postcodes', async (t) => {
  const texts = [
    '14 Acacia Avenue, Leeds',
    '85 Old Road, Leeds',
    'Flat 2, 14 Laburnum Grove',
    '10 Bab Lane',
    'Rose Cottage, Mill Lane, Otley',
    '1 Elias Street',
    'LS1, 4AP', // one postcode is never split over two lines
    ''
  ]
  for (const text of texts) t.equal(findPostcode(text), null, text === '' ? '(empty)' : text)
})

// Well-formed postcodes built from the format, to show that spacing and case never change the key.
const inwardLetter = fc.constantFrom(...'ABDEFGHJLNPQRSTUWXYZ')
const digit = fc.constantFrom(...'0123456789')
const postcode = fc
  .tuple(fc.constantFrom('LS', 'M', 'BD', 'EC', 'W', 'AL'), digit, fc.option(digit, { nil: '' }), digit, inwardLetter, inwardLetter)
  .map(([area, d1, d2, d3, l1, l2]) => ({ outward: `${area}${d1}${d2}`, inward: `${d3}${l1}${l2}` }))

t.test('property: any spacing and case of a well-formed postcode gives one key', async (t) => {
  fc.assert(
    fc.property(postcode, fc.constantFrom('', ' ', '  ', '\t'), fc.boolean(), ({ outward, inward }, gap, lower) => {
      const written = `${outward}${gap}${inward}`
      const key = normalisePostcode(lower ? written.toLowerCase() : written)
      return key === `${outward}${inward}` && findPostcode(`Leeds ${written}`)?.postcode === key
    })
  )
  t.pass('held')
})

t.test('property: never throws, and any key it gives is in key form', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (text) => {
      const key = normalisePostcode(text)
      const found = findPostcode(text)
      return (key === null || /^[A-Z0-9]{5,7}$/.test(key)) && (found === null || found.end > found.start)
    })
  )
  t.pass('held')
})

t.test('findPostcodes: split at the format seams, glued, across a line, the last first', async (t) => {
  const read = (text: string) => {
    const lines = text.split('\n').map((line) => line.split(' ').filter((word) => word !== ''))
    return findPostcodes(lines.flat(), lines.flatMap((line, i) => line.map(() => i)), 3).map((match) => [match.postcode, match.first, match.last, match.kept])
  }
  t.same(read('LEEDS LS 1 4AP'), [['LS14AP', 1, 3, '']], 'after the area')
  t.same(read('LEEDS LS1 4 AP'), [['LS14AP', 1, 3, '']], 'after the inward digit')
  t.same(read('LS 1 4 AP'), [['LS14AP', 0, 3, '']], 'at every seam')
  t.same(read('YORKYO104DD'), [['YO104DD', 0, 0, 'YORK']], 'glued to the town')
  t.same(read('LEEDS LS1\n4AP'), [['LS14AP', 1, 2, '']], 'across a line between outward and inward code')
  t.same(read('LEEDS LS\n14AP'), [], 'not across a line anywhere else')
  t.same(read('LS14AP HULL HU9 5LS'), [['HU95LS', 2, 3, ''], ['LS14AP', 0, 0, '']], 'every postcode, the last first')
  t.same(read('FLAT B 14 ST'), [], 'a flat letter, a house number and a word are not B1 4ST')
  t.same(read('FLAT NO 0F2'), [], 'words put together and corrected twice are not a postcode')
  t.same(read('LS1 4AP BD7 1DP HU9 5LS M1 1AE'), [['M11AE', 6, 7, ''], ['HU95LS', 4, 5, ''], ['BD71DP', 2, 3, '']], 'at most the limit')
})

t.test('findPostcodes: spaced anywhere, when no correction is needed and no word is a number', async (t) => {
  const read = (text: string) => {
    const lines = text.split('\n').map((line) => line.split(/[ .]/).filter((word) => word !== ''))
    return findPostcodes(lines.flat(), lines.flatMap((line, i) => line.map(() => i)), 3).map((match) => match.postcode + (match.also === undefined ? '' : ` also ${match.also}`))
  }
  t.same(read('LEEDS L S 1 4 A P'), ['LS14AP'], 'a character a word, the longer reading')
  t.same(read('L.S.1.4.A.P'), ['LS14AP'], 'with stops')
  t.same(read('LEEDS LS14A P'), ['LS14AP'], 'inside the inward code')
  t.same(read('YORK YO1 04DD'), ['YO104DD'], 'inside the district')
  t.same(read('EC1 A1BB'), ['EC1A1BB'], 'before the district letter')
  t.same(read('GLASGOW G1 15RD'), ['G115RD'], 'across the codes')
  t.same(read('L S14AP'), ['S14AP also LS14AP'], 'a lone letter before a postcode: both are tried')
  t.same(read('FLAT E N1 4AP'), ['N14AP also EN14AP'], 'and the way written at the seams comes first')
  t.same(read('FLAT 2 14 ACACIA AVENUE LEEDS'), [], 'words and house numbers')
  t.same(read('LS 14 AP'), [], 'a word of two digits is a house number')
  t.same(read('L S I 4 A P'), [], 'spaced anywhere and corrected')
  t.same(read('FLAT 8 S1 4AP'), ['S14AP'], 'a lone house number is not the first character of a postcode')
})

t.test('scannedPostcode: two words of letters with every digit scanned as a letter', async (t) => {
  t.equal(scannedPostcode('HGI', 'IRZ'), 'HG11RZ', 'I for 1 twice')
  t.equal(scannedPostcode('HGL', 'LRZ'), 'HG11RZ', 'l for 1 twice')
  t.equal(scannedPostcode('LSI', 'CAP'), null, 'C cannot be the inward digit')
  t.equal(scannedPostcode('XXI', 'IRZ'), null, 'no such area')
  t.equal(scannedPostcode('OLD', 'SOL'), null, 'a word: O is no inward letter')
  t.equal(scannedPostcode('HG1', 'IRZ'), null, 'a word with a digit is for findPostcodes')
  t.equal(scannedPostcode('HGIIR', 'ZZZ'), null, 'an outward code of five')
})
