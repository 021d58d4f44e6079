/**
 * The packed key table behind the block index (block-index.ts): match key hash -> the slots of the
 * entries that hold it, kept out of reach of the garbage collector. A million entries with millions
 * of keys as Map<string, object[]> would leave the old generation with tens of millions of objects
 * to mark, and a large heap under load would pause for a long time. Here the keys live only as
 * 64-bit hashes (key-hash64.ts) in typed arrays:
 *
 * - the table: open addressing with linear probing, three int32 a cell side by side (the two hash
 *   halves and the slot: EMPTY, TOMBSTONE or a slot) so that a probe touches one cache line; a
 *   removed key leaves a tombstone, and a table too full of cells and tombstones is rebuilt;
 * - the arena: every slot's key hashes, [keyStart, keyStart + keyCount), for removal and for
 *   rebuilding the table, compacted when mostly dead.
 *
 * A slot is an entry's place in the index's per-entry arrays; the index says which slots are live.
 * A hash collision makes a key meet another entry's slot, which answers block: the safe side.
 */

export const EMPTY = -1
export const TOMBSTONE = -2
/** The most a table (keys or ids) is filled, tombstones included, before it is rebuilt larger. */
export const MAX_LOAD = 0.7

/** Keys are placed a window of 2^WINDOW_BITS cells at a time (48 KiB of key table: it stays in the cache). */
const WINDOW_BITS = 12

/** The table size (a power of two) for this many keys or ids: at most MAX_LOAD full, with room for half as many again. */
export function tableSize (count: number): number {
  let size = 1024
  while (size * MAX_LOAD < count * 1.5) size *= 2
  return size
}

/** Grows a typed array to at least `size`, keeping its contents. */
export function grown<T extends Int32Array | Uint32Array | Float64Array | Uint8Array> (array: T, size: number, fill?: number): T {
  if (array.length >= size) return array
  let length = Math.max(16, array.length)
  while (length < size) length *= 2
  const next = new (array.constructor as new (n: number) => T)(length)
  next.set(array)
  if (fill !== undefined) next.fill(fill, array.length)
  return next
}

/** A key table of `size` empty cells. */
function emptyCells (size: number): Int32Array {
  const cells = new Int32Array(size * 3)
  for (let i = 2; i < cells.length; i += 3) cells[i] = EMPTY
  return cells
}

/**
 * `slots()` is how many slots the index has handed out, `isLive(slot)` whether one holds an entry
 * now; the table rebuilds from the live slots' keys in the arena.
 */
export function createKeyTable (slots: () => number, isLive: (slot: number) => boolean, capacity: number) {
  let mask = 1023
  let cells = emptyCells(mask + 1)
  let cellsUsed = 0 // live cells and tombstones: what the probes walk
  let cellsLive = 0

  let keyStart = new Int32Array(capacity)
  let keyCount = new Int32Array(capacity)
  let arenaHi = new Uint32Array(1024)
  let arenaLo = new Uint32Array(1024)
  let arenaUsed = 0
  let arenaLive = 0

  function place (hi: number, lo: number, slot: number): void {
    let i = hi & mask
    while (cells[i * 3 + 2] !== EMPTY && cells[i * 3 + 2] !== TOMBSTONE) i = (i + 1) & mask
    if (cells[i * 3 + 2] === EMPTY) cellsUsed++
    cells[i * 3] = hi
    cells[i * 3 + 1] = lo
    cells[i * 3 + 2] = slot
    cellsLive++
  }

  /**
   * Places every live slot's keys from the arena into the (empty) table, in the order of their
   * home cells' neighbourhoods (a counting sort on the home cell's high bits), so that each place
   * probes cells already in the cache: placed in arena order, nearly every key of a large store
   * would miss the cache and the TLB of the table. The sort is stable, so keys with the same
   * hash keep slot order, the order a probe meets them in, as placing them one by one would.
   */
  function placeAll (skip: number): void {
    const size = mask + 1
    const shift = Math.max(0, Math.clz32(1) - Math.clz32(size) - WINDOW_BITS)
    const buckets = size >>> shift
    const starts = new Int32Array(buckets + 1)
    const count = slots()
    let n = 0
    for (let slot = 0; slot < count; slot++) {
      if (!isLive(slot) || slot === skip) continue
      const end = (keyStart[slot] as number) + (keyCount[slot] as number)
      for (let k = keyStart[slot] as number; k < end; k++) (starts[(((arenaHi[k] as number) & mask) >>> shift) + 1] as number)++
      n += keyCount[slot] as number
    }
    for (let b = 0; b < buckets; b++) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number)
    const sorted = new Int32Array(n * 3)
    for (let slot = 0; slot < count; slot++) {
      if (!isLive(slot) || slot === skip) continue
      const end = (keyStart[slot] as number) + (keyCount[slot] as number)
      for (let k = keyStart[slot] as number; k < end; k++) {
        const hi = (arenaHi[k] as number) | 0
        const at = (starts[(hi & mask) >>> shift] as number)++
        sorted[at * 3] = hi
        sorted[at * 3 + 1] = (arenaLo[k] as number) | 0
        sorted[at * 3 + 2] = slot
      }
    }
    for (let at = 0; at < n; at++) place(sorted[at * 3] as number, sorted[at * 3 + 1] as number, sorted[at * 3 + 2] as number)
  }

  /**
   * A fresh table (and arena) holding only the live slots' keys, but for the slot `skip` (whose
   * keys stay in the arena, for the caller to place): after growth, or when tombstones pile up.
   */
  function rebuild (keys: number, skip = -1): void {
    const size = tableSize(keys)
    mask = size - 1
    cells = emptyCells(size)
    cellsUsed = 0
    cellsLive = 0
    const oldHi = arenaHi
    const oldLo = arenaLo
    arenaHi = new Uint32Array(Math.max(1024, keys * 1.5))
    arenaLo = new Uint32Array(arenaHi.length)
    arenaUsed = 0
    const count = slots()
    for (let slot = 0; slot < count; slot++) {
      if (!isLive(slot)) continue
      const start = keyStart[slot] as number
      const n = keyCount[slot] as number
      keyStart[slot] = arenaUsed
      arenaHi.set(oldHi.subarray(start, start + n), arenaUsed)
      arenaLo.set(oldLo.subarray(start, start + n), arenaUsed)
      arenaUsed += n
    }
    arenaLive = arenaUsed
    placeAll(skip)
  }

  /** Room in the arena for `count` more keys: compacted (with the table) when mostly dead, else grown. */
  function arenaRoom (count: number): void {
    if (arenaUsed + count <= arenaHi.length) return
    if (arenaLive + count < arenaHi.length / 2) rebuild(arenaLive + count)
    arenaHi = grown(arenaHi, arenaUsed + count)
    arenaLo = grown(arenaLo, arenaUsed + count)
  }

  // The probe cursor: probe() starts at a hash's cell, and each nextSlot() gives the next slot
  // holding that hash, or -1 at the end of the run. A cursor rather than a generator, so that the
  // look-up of a check's keys makes no object a key.
  let probeHi = 0
  let probeLo = 0
  let probeAt = 0

  return {
    /** keys placed in the table */
    get keyCount () { return cellsLive },

    /** Room in the per-slot arrays for `size` slots. */
    growSlots (size: number): void {
      keyStart = grown(keyStart, size)
      keyCount = grown(keyCount, size)
    },

    /** Room in the arena for this many keys in all (the index's reserve). */
    reserveKeys (keys: number): void {
      arenaRoom(Math.max(0, keys - arenaUsed))
    },

    /** Starts a slot's `count` keys at the end of the arena; addKey then writes each, in order. */
    beginKeys (slot: number, count: number): void {
      arenaRoom(count)
      keyStart[slot] = arenaUsed
      keyCount[slot] = count
      arenaLive += count
    },

    /** One key hash of the slot begun last (two uint32 halves). */
    addKey (hi: number, lo: number): void {
      arenaHi[arenaUsed] = hi
      arenaLo[arenaUsed] = lo
      arenaUsed++
    },

    /** Places a slot's keys in the table, after a rebuild if the table would be too full. */
    placeSlot (slot: number): void {
      const count = keyCount[slot] as number
      if ((cellsUsed + count) > (mask + 1) * MAX_LOAD) rebuild(arenaLive, slot)
      const start = keyStart[slot] as number
      for (let k = start; k < start + count; k++) place((arenaHi[k] as number) | 0, (arenaLo[k] as number) | 0, slot)
    },

    /** A table sized once for every key in the arena, filled from the live slots (a bulk load). */
    placeAllFresh (): void {
      mask = tableSize(arenaLive) - 1
      cells = emptyCells(mask + 1)
      cellsUsed = 0
      cellsLive = 0
      placeAll(-1)
    },

    /** Takes a slot's keys out of the table (tombstones) and the arena's live count. */
    removeSlot (slot: number): void {
      const start = keyStart[slot] as number
      for (let k = start; k < start + (keyCount[slot] as number); k++) {
        const hi = (arenaHi[k] as number) | 0
        const lo = (arenaLo[k] as number) | 0
        let i = hi & mask
        while (cells[i * 3 + 2] !== EMPTY) {
          if (cells[i * 3 + 2] === slot && cells[i * 3] === hi && cells[i * 3 + 1] === lo) {
            cells[i * 3 + 2] = TOMBSTONE
            cellsLive--
            break
          }
          i = (i + 1) & mask
        }
      }
      arenaLive -= keyCount[slot] as number
      keyCount[slot] = 0
    },

    /** Starts the probe cursor at this hash (two int32 halves). */
    probe (hi: number, lo: number): void {
      probeHi = hi
      probeLo = lo
      probeAt = hi & mask
    },

    /** The next slot holding the probed hash, or -1. */
    nextSlot (): number {
      while (cells[probeAt * 3 + 2] !== EMPTY) {
        const at = probeAt
        probeAt = (probeAt + 1) & mask
        const slot = cells[at * 3 + 2] as number
        if (slot >= 0 && cells[at * 3] === probeHi && cells[at * 3 + 1] === probeLo) return slot
      }
      return -1
    }
  }
}

export type KeyTable = ReturnType<typeof createKeyTable>
