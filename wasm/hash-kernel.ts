// AssemblyScript source of the batch hash kernel (src/core/hash/kernel-binary.ts holds the built
// bytes; scripts/build-hash-kernel.mjs builds them). IMA verification hashes millions of
// ~100-byte inputs, where a JS→wasm call per hash costs as much as the compression: these
// functions hash a whole batch per call.
//
//   sha1Many / sha256Many(data, offsets, lengths, count, out)
//     out[k × size …] = H(data[offsets[k] …+lengths[k]]) for k < count (u32 arrays).
//     Both run four messages at a time in the lanes of simd128 vectors (one at a time for a
//     message longer than a lane's 4 KiB, and for the last count mod 4).
//   sha1Chain / sha256Chain(pcrs, states, values, count, running)
//     for i < count: states[pcrs[i]] = H(states[pcrs[i]] ‖ values[i]); running[i] = that
//     value (running = 0: not written). pcrs: u8 per entry; states: 256 digests.
//
// All pointers are into this module's memory, which the caller lays out from heapBase() on.
// Digests are stored as bytes (big-endian words), as every SHA spec writes them.

const K256: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
], 16);
const H256: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
], 16);
/** K[t] + W[t] of the scalar block being hashed. */
const KW: usize = memory.data(64 * 4, 16);
/** K[t] + W[t] of the second block of every 64-byte message (all padding): made once. */
const PAD64_KW: usize = memory.data(64 * 4, 16);
/** The state words of one scalar hash. */
const ST: usize = memory.data(8 * 4, 16);
/** The padded tail of a scalar message (at most two blocks). */
const TAIL: usize = memory.data(128, 16);
/** SIMD: per round the four lanes' K[t] + W[t]. */
const VKW: usize = memory.data(64 * 16, 16);
/** SIMD: each lane's message, padded, read from here. */
const LANE_BYTES: u32 = 4096;
const LANES: usize = memory.data(4 * LANE_BYTES, 16);
/** SIMD: the blocks of each lane's message, as an i32x4. */
const LANE_BLOCKS: usize = memory.data(16, 16);
/** SIMD: the eight state vectors, stored to read each lane's digest. */
const VST: usize = memory.data(8 * 16, 16);
let padReady = false;

@inline function be(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

@inline function storeBe(p: usize, v: u32): void {
  store<u32>(p, bswap<u32>(v));
}

// ---------------------------------------------------------------- SHA-256, scalar

/** The message schedule W[0…63] of the block at `block`. */
function schedule256(block: usize, kw: usize): void {
  for (let t: usize = 0; t < 16; t++) store<u32>(kw + t * 4, be(block + t * 4));
  for (let t: usize = 16; t < 64; t++) {
    const w15 = load<u32>(kw + (t - 15) * 4);
    const w2 = load<u32>(kw + (t - 2) * 4);
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    store<u32>(kw + t * 4, load<u32>(kw + (t - 16) * 4) + s0 + load<u32>(kw + (t - 7) * 4) + s1);
  }
}

/**
 * The 64 rounds on the state words at ST with the scheduled words at `kw`, eight per
 * iteration with the roles of the working variables rotated in the code, not moved.
 */
function rounds256(kw: usize): void {
  const K_FROM_W = K256 - kw;
  let a = load<u32>(ST), b = load<u32>(ST, 4), c = load<u32>(ST, 8), d = load<u32>(ST, 12);
  let e = load<u32>(ST, 16), f = load<u32>(ST, 20), g = load<u32>(ST, 24), h = load<u32>(ST, 28);
  for (let p = kw; p < kw + 256; p += 32) {
    h += (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + load<u32>(p, 0) + load<u32>(p + K_FROM_W, 0);
    d += h;
    h += (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    g += (rotr<u32>(d, 6) ^ rotr<u32>(d, 11) ^ rotr<u32>(d, 25)) + ((d & e) ^ (~d & f)) + load<u32>(p, 4) + load<u32>(p + K_FROM_W, 4);
    c += g;
    g += (rotr<u32>(h, 2) ^ rotr<u32>(h, 13) ^ rotr<u32>(h, 22)) + ((h & a) ^ (h & b) ^ (a & b));
    f += (rotr<u32>(c, 6) ^ rotr<u32>(c, 11) ^ rotr<u32>(c, 25)) + ((c & d) ^ (~c & e)) + load<u32>(p, 8) + load<u32>(p + K_FROM_W, 8);
    b += f;
    f += (rotr<u32>(g, 2) ^ rotr<u32>(g, 13) ^ rotr<u32>(g, 22)) + ((g & h) ^ (g & a) ^ (h & a));
    e += (rotr<u32>(b, 6) ^ rotr<u32>(b, 11) ^ rotr<u32>(b, 25)) + ((b & c) ^ (~b & d)) + load<u32>(p, 12) + load<u32>(p + K_FROM_W, 12);
    a += e;
    e += (rotr<u32>(f, 2) ^ rotr<u32>(f, 13) ^ rotr<u32>(f, 22)) + ((f & g) ^ (f & h) ^ (g & h));
    d += (rotr<u32>(a, 6) ^ rotr<u32>(a, 11) ^ rotr<u32>(a, 25)) + ((a & b) ^ (~a & c)) + load<u32>(p, 16) + load<u32>(p + K_FROM_W, 16);
    h += d;
    d += (rotr<u32>(e, 2) ^ rotr<u32>(e, 13) ^ rotr<u32>(e, 22)) + ((e & f) ^ (e & g) ^ (f & g));
    c += (rotr<u32>(h, 6) ^ rotr<u32>(h, 11) ^ rotr<u32>(h, 25)) + ((h & a) ^ (~h & b)) + load<u32>(p, 20) + load<u32>(p + K_FROM_W, 20);
    g += c;
    c += (rotr<u32>(d, 2) ^ rotr<u32>(d, 13) ^ rotr<u32>(d, 22)) + ((d & e) ^ (d & f) ^ (e & f));
    b += (rotr<u32>(g, 6) ^ rotr<u32>(g, 11) ^ rotr<u32>(g, 25)) + ((g & h) ^ (~g & a)) + load<u32>(p, 24) + load<u32>(p + K_FROM_W, 24);
    f += b;
    b += (rotr<u32>(c, 2) ^ rotr<u32>(c, 13) ^ rotr<u32>(c, 22)) + ((c & d) ^ (c & e) ^ (d & e));
    a += (rotr<u32>(f, 6) ^ rotr<u32>(f, 11) ^ rotr<u32>(f, 25)) + ((f & g) ^ (~f & h)) + load<u32>(p, 28) + load<u32>(p + K_FROM_W, 28);
    e += a;
    a += (rotr<u32>(b, 2) ^ rotr<u32>(b, 13) ^ rotr<u32>(b, 22)) + ((b & c) ^ (b & d) ^ (c & d));
  }
  store<u32>(ST, load<u32>(ST) + a); store<u32>(ST, load<u32>(ST, 4) + b, 4);
  store<u32>(ST, load<u32>(ST, 8) + c, 8); store<u32>(ST, load<u32>(ST, 12) + d, 12);
  store<u32>(ST, load<u32>(ST, 16) + e, 16); store<u32>(ST, load<u32>(ST, 20) + f, 20);
  store<u32>(ST, load<u32>(ST, 24) + g, 24); store<u32>(ST, load<u32>(ST, 28) + h, 28);
}

function block256(block: usize): void {
  schedule256(block, KW);
  rounds256(KW);
}

/** Writes the padded tail of a message of `length` bytes whose last `rest` bytes are at `from`; returns its blocks. */
function padTail(from: usize, rest: u32, length: u32): u32 {
  memory.copy(TAIL, from, rest);
  store<u8>(TAIL + rest, 0x80);
  const blocks: u32 = rest + 9 <= 64 ? 1 : 2;
  const end = TAIL + blocks * 64;
  memory.fill(TAIL + rest + 1, 0, blocks * 64 - rest - 9);
  storeBe(end - 8, length >>> 29);
  storeBe(end - 4, length << 3);
  return blocks;
}

function sha256One(p: usize, length: u32, out: usize): void {
  memory.copy(ST, H256, 32);
  const full = length & ~63;
  for (let o: u32 = 0; o < full; o += 64) block256(p + o);
  const blocks = padTail(p + full, length - full, length);
  for (let b: u32 = 0; b < blocks; b++) block256(TAIL + b * 64);
  for (let w: usize = 0; w < 8; w++) storeBe(out + w * 4, load<u32>(ST + w * 4));
}

// ---------------------------------------------------------------- SHA-256, four lanes

/** Copies the message at `p`, padded, into lane `lane`; returns its blocks, or 0 when it does not fit. */
function fillLane(lane: u32, p: usize, length: u32): u32 {
  const blocks = (length + 9 + 63) >>> 6;
  if (blocks * 64 > LANE_BYTES) return 0;
  const dst = LANES + lane * LANE_BYTES;
  memory.copy(dst, p, length);
  store<u8>(dst + length, 0x80);
  const end = dst + blocks * 64;
  memory.fill(dst + length + 1, 0, blocks * 64 - length - 9);
  storeBe(end - 8, length >>> 29);
  storeBe(end - 4, length << 3);
  return blocks;
}

/**
 * Vectors w[0…15] of block `blk`: vector t holds word t of each lane's block (the words byte
 * swapped, then the 4×4 transpose of each group of four words).
 */
function loadLaneWords(blk: u32, w: usize): void {
  const base = LANES + blk * 64;
  const swap = i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  for (let t: usize = 0; t < 16; t += 4) {
    const r0 = i8x16.swizzle(v128.load(base + t * 4), swap);
    const r1 = i8x16.swizzle(v128.load(base + LANE_BYTES + t * 4), swap);
    const r2 = i8x16.swizzle(v128.load(base + 2 * LANE_BYTES + t * 4), swap);
    const r3 = i8x16.swizzle(v128.load(base + 3 * LANE_BYTES + t * 4), swap);
    // t0 = (r0[0], r1[0], r0[1], r1[1]), t1 = (r0[2], r1[2], r0[3], r1[3]); t2, t3 the same of r2, r3.
    const t0 = i8x16.shuffle(r0, r1, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
    const t1 = i8x16.shuffle(r0, r1, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
    const t2 = i8x16.shuffle(r2, r3, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
    const t3 = i8x16.shuffle(r2, r3, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
    v128.store(w + t * 16, i64x2.shuffle(t0, t2, 0, 2));
    v128.store(w + t * 16 + 16, i64x2.shuffle(t0, t2, 1, 3));
    v128.store(w + t * 16 + 32, i64x2.shuffle(t1, t3, 0, 2));
    v128.store(w + t * 16 + 48, i64x2.shuffle(t1, t3, 1, 3));
  }
}

/** Fills the four lanes with messages k…k+3; false when one does not fit a lane. */
function fillLanes(data: usize, offsets: usize, lengths: usize, k: u32): bool {
  const o = offsets + k * 4;
  const l = lengths + k * 4;
  const n0 = fillLane(0, data + load<u32>(o), load<u32>(l));
  const n1 = fillLane(1, data + load<u32>(o, 4), load<u32>(l, 4));
  const n2 = fillLane(2, data + load<u32>(o, 8), load<u32>(l, 8));
  const n3 = fillLane(3, data + load<u32>(o, 12), load<u32>(l, 12));
  v128.store(LANE_BLOCKS, i32x4(n0, n1, n2, n3));
  return n0 != 0 && n1 != 0 && n2 != 0 && n3 != 0;
}

@inline function vrotr(x: v128, n: i32): v128 {
  return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}

/** Hashes the four messages fillLanes put in the lanes; their digests go to out, out + 32, … */
function sha256x4(out: usize): void {
  let a = i32x4.splat(load<u32>(H256)), b = i32x4.splat(load<u32>(H256, 4));
  let c = i32x4.splat(load<u32>(H256, 8)), d = i32x4.splat(load<u32>(H256, 12));
  let e = i32x4.splat(load<u32>(H256, 16)), f = i32x4.splat(load<u32>(H256, 20));
  let g = i32x4.splat(load<u32>(H256, 24)), h = i32x4.splat(load<u32>(H256, 28));
  const blocks = v128.load(LANE_BLOCKS);
  const most = mostBlocks();
  for (let blk: u32 = 0; blk < most; blk++) {
    loadLaneWords(blk, VKW);
    for (let t: usize = 16; t < 64; t++) {
      const w15 = v128.load(VKW + (t - 15) * 16);
      const w2 = v128.load(VKW + (t - 2) * 16);
      const s0 = v128.xor(v128.xor(vrotr(w15, 7), vrotr(w15, 18)), i32x4.shr_u(w15, 3));
      const s1 = v128.xor(v128.xor(vrotr(w2, 17), vrotr(w2, 19)), i32x4.shr_u(w2, 10));
      v128.store(VKW + t * 16, i32x4.add(i32x4.add(v128.load(VKW + (t - 16) * 16), s0), i32x4.add(v128.load(VKW + (t - 7) * 16), s1)));
    }
    let va = a, vb = b, vc = c, vd = d, ve = e, vf = f, vg = g, vh = h;
    for (let t: usize = 0; t < 64; t++) {
      const s1 = v128.xor(v128.xor(vrotr(ve, 6), vrotr(ve, 11)), vrotr(ve, 25));
      const ch = v128.bitselect(vf, vg, ve);
      const t1 = i32x4.add(i32x4.add(i32x4.add(vh, s1), i32x4.add(ch, i32x4.splat(load<u32>(K256 + t * 4)))), v128.load(VKW + t * 16));
      const s0 = v128.xor(v128.xor(vrotr(va, 2), vrotr(va, 13)), vrotr(va, 22));
      const maj = v128.bitselect(vb, vc, v128.xor(va, vc));
      const t2 = i32x4.add(s0, maj);
      vh = vg; vg = vf; vf = ve; ve = i32x4.add(vd, t1); vd = vc; vc = vb; vb = va; va = i32x4.add(t1, t2);
    }
    // Lanes whose message has no block `blk` keep their state.
    const live = i32x4.gt_u(blocks, i32x4.splat(blk));
    a = v128.bitselect(i32x4.add(a, va), a, live); b = v128.bitselect(i32x4.add(b, vb), b, live);
    c = v128.bitselect(i32x4.add(c, vc), c, live); d = v128.bitselect(i32x4.add(d, vd), d, live);
    e = v128.bitselect(i32x4.add(e, ve), e, live); f = v128.bitselect(i32x4.add(f, vf), f, live);
    g = v128.bitselect(i32x4.add(g, vg), g, live); h = v128.bitselect(i32x4.add(h, vh), h, live);
  }
  v128.store(VST, a); v128.store(VST, b, 16); v128.store(VST, c, 32); v128.store(VST, d, 48);
  v128.store(VST, e, 64); v128.store(VST, f, 80); v128.store(VST, g, 96); v128.store(VST, h, 112);
  storeLanes(8, out);
}

@inline function mostBlocks(): u32 {
  return max<u32>(max<u32>(load<u32>(LANE_BLOCKS), load<u32>(LANE_BLOCKS, 4)), max<u32>(load<u32>(LANE_BLOCKS, 8), load<u32>(LANE_BLOCKS, 12)));
}

/** The digests of `words` words of each lane, from the state vectors stored at VST, to out + lane × words × 4. */
function storeLanes(words: usize, out: usize): void {
  for (let lane: usize = 0; lane < 4; lane++) {
    for (let w: usize = 0; w < words; w++) storeBe(out + (lane * words + w) * 4, load<u32>(VST + w * 16 + lane * 4));
  }
}

export function sha256Many(data: usize, offsets: usize, lengths: usize, count: u32, out: usize): void {
  let k: u32 = 0;
  for (; k + 4 <= count; k += 4) {
    if (fillLanes(data, offsets, lengths, k)) sha256x4(out + k * 32);
    else for (let j: u32 = k; j < k + 4; j++) sha256One(data + load<u32>(offsets + j * 4), load<u32>(lengths + j * 4), out + j * 32);
  }
  for (; k < count; k++) sha256One(data + load<u32>(offsets + k * 4), load<u32>(lengths + k * 4), out + k * 32);
}

export function sha256Chain(pcrs: usize, states: usize, values: usize, count: u32, running: usize): void {
  if (!padReady) preparePadding();
  for (let i: u32 = 0; i < count; i++) {
    const pcr = states + <usize>load<u8>(pcrs + i) * 32;
    // One block: the PCR's value ‖ the entry's value; then the fixed padding block.
    memory.copy(TAIL, pcr, 32);
    memory.copy(TAIL + 32, values + i * 32, 32);
    memory.copy(ST, H256, 32);
    block256(TAIL);
    rounds256(PAD64_KW);
    for (let w: usize = 0; w < 8; w++) storeBe(pcr + w * 4, load<u32>(ST + w * 4));
    if (running != 0) memory.copy(running + i * 32, pcr, 32);
  }
}

function preparePadding(): void {
  memory.fill(TAIL, 0, 64);
  store<u8>(TAIL, 0x80);
  storeBe(TAIL + 60, 64 * 8);
  schedule256(TAIL, PAD64_KW);
  padReady = true;
}

// ---------------------------------------------------------------- SHA-1, scalar

const H1: usize = memory.data<u32>([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0], 16);
const W1: usize = memory.data(80 * 4, 16);
/** SIMD: the four lanes' W[0…79]. */
const VW1: usize = memory.data(80 * 16, 16);

function block1(block: usize): void {
  for (let t: usize = 0; t < 16; t++) store<u32>(W1 + t * 4, be(block + t * 4));
  for (let t: usize = 16; t < 80; t++) {
    store<u32>(W1 + t * 4, rotl<u32>(load<u32>(W1 + (t - 3) * 4) ^ load<u32>(W1 + (t - 8) * 4) ^ load<u32>(W1 + (t - 14) * 4) ^ load<u32>(W1 + (t - 16) * 4), 1));
  }
  let a = load<u32>(ST), b = load<u32>(ST, 4), c = load<u32>(ST, 8), d = load<u32>(ST, 12), e = load<u32>(ST, 16);
  // Five rounds per iteration, the roles of a…e rotated in the code instead of moved.
  for (let p = W1 + 0; p < W1 + 80; p += 20) {
    e += rotl<u32>(a, 5) + ((b & c) | (~b & d)) + 0x5a827999 + load<u32>(p, 0);
    b = rotl<u32>(b, 30);
    d += rotl<u32>(e, 5) + ((a & b) | (~a & c)) + 0x5a827999 + load<u32>(p, 4);
    a = rotl<u32>(a, 30);
    c += rotl<u32>(d, 5) + ((e & a) | (~e & b)) + 0x5a827999 + load<u32>(p, 8);
    e = rotl<u32>(e, 30);
    b += rotl<u32>(c, 5) + ((d & e) | (~d & a)) + 0x5a827999 + load<u32>(p, 12);
    d = rotl<u32>(d, 30);
    a += rotl<u32>(b, 5) + ((c & d) | (~c & e)) + 0x5a827999 + load<u32>(p, 16);
    c = rotl<u32>(c, 30);
  }
  for (let p = W1 + 80; p < W1 + 160; p += 20) {
    e += rotl<u32>(a, 5) + (b ^ c ^ d) + 0x6ed9eba1 + load<u32>(p, 0);
    b = rotl<u32>(b, 30);
    d += rotl<u32>(e, 5) + (a ^ b ^ c) + 0x6ed9eba1 + load<u32>(p, 4);
    a = rotl<u32>(a, 30);
    c += rotl<u32>(d, 5) + (e ^ a ^ b) + 0x6ed9eba1 + load<u32>(p, 8);
    e = rotl<u32>(e, 30);
    b += rotl<u32>(c, 5) + (d ^ e ^ a) + 0x6ed9eba1 + load<u32>(p, 12);
    d = rotl<u32>(d, 30);
    a += rotl<u32>(b, 5) + (c ^ d ^ e) + 0x6ed9eba1 + load<u32>(p, 16);
    c = rotl<u32>(c, 30);
  }
  for (let p = W1 + 160; p < W1 + 240; p += 20) {
    e += rotl<u32>(a, 5) + ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc + load<u32>(p, 0);
    b = rotl<u32>(b, 30);
    d += rotl<u32>(e, 5) + ((a & b) | (a & c) | (b & c)) + 0x8f1bbcdc + load<u32>(p, 4);
    a = rotl<u32>(a, 30);
    c += rotl<u32>(d, 5) + ((e & a) | (e & b) | (a & b)) + 0x8f1bbcdc + load<u32>(p, 8);
    e = rotl<u32>(e, 30);
    b += rotl<u32>(c, 5) + ((d & e) | (d & a) | (e & a)) + 0x8f1bbcdc + load<u32>(p, 12);
    d = rotl<u32>(d, 30);
    a += rotl<u32>(b, 5) + ((c & d) | (c & e) | (d & e)) + 0x8f1bbcdc + load<u32>(p, 16);
    c = rotl<u32>(c, 30);
  }
  for (let p = W1 + 240; p < W1 + 320; p += 20) {
    e += rotl<u32>(a, 5) + (b ^ c ^ d) + 0xca62c1d6 + load<u32>(p, 0);
    b = rotl<u32>(b, 30);
    d += rotl<u32>(e, 5) + (a ^ b ^ c) + 0xca62c1d6 + load<u32>(p, 4);
    a = rotl<u32>(a, 30);
    c += rotl<u32>(d, 5) + (e ^ a ^ b) + 0xca62c1d6 + load<u32>(p, 8);
    e = rotl<u32>(e, 30);
    b += rotl<u32>(c, 5) + (d ^ e ^ a) + 0xca62c1d6 + load<u32>(p, 12);
    d = rotl<u32>(d, 30);
    a += rotl<u32>(b, 5) + (c ^ d ^ e) + 0xca62c1d6 + load<u32>(p, 16);
    c = rotl<u32>(c, 30);
  }
  store<u32>(ST, load<u32>(ST) + a); store<u32>(ST, load<u32>(ST, 4) + b, 4);
  store<u32>(ST, load<u32>(ST, 8) + c, 8); store<u32>(ST, load<u32>(ST, 12) + d, 12);
  store<u32>(ST, load<u32>(ST, 16) + e, 16);
}

function sha1One(p: usize, length: u32, out: usize): void {
  memory.copy(ST, H1, 20);
  const full = length & ~63;
  for (let o: u32 = 0; o < full; o += 64) block1(p + o);
  const blocks = padTail(p + full, length - full, length);
  for (let b: u32 = 0; b < blocks; b++) block1(TAIL + b * 64);
  for (let w: usize = 0; w < 5; w++) storeBe(out + w * 4, load<u32>(ST + w * 4));
}

@inline function vrotl(x: v128, n: i32): v128 {
  return v128.or(i32x4.shl(x, n), i32x4.shr_u(x, 32 - n));
}

/** Hashes the four messages fillLanes put in the lanes; their digests go to out, out + 20, … */
function sha1x4(out: usize): void {
  let a = i32x4.splat(load<u32>(H1)), b = i32x4.splat(load<u32>(H1, 4)), c = i32x4.splat(load<u32>(H1, 8));
  let d = i32x4.splat(load<u32>(H1, 12)), e = i32x4.splat(load<u32>(H1, 16));
  const blocks = v128.load(LANE_BLOCKS);
  const most = mostBlocks();
  for (let blk: u32 = 0; blk < most; blk++) {
    loadLaneWords(blk, VW1);
    for (let t: usize = 16; t < 80; t++) {
      const x = v128.xor(v128.xor(v128.load(VW1 + (t - 3) * 16), v128.load(VW1 + (t - 8) * 16)), v128.xor(v128.load(VW1 + (t - 14) * 16), v128.load(VW1 + (t - 16) * 16)));
      v128.store(VW1 + t * 16, vrotl(x, 1));
    }
    let va = a, vb = b, vc = c, vd = d, ve = e;
    for (let t: usize = 0; t < 80; t++) {
      let f: v128, k: u32;
      if (t < 20) { f = v128.bitselect(vc, vd, vb); k = 0x5a827999; }
      else if (t < 40) { f = v128.xor(v128.xor(vb, vc), vd); k = 0x6ed9eba1; }
      else if (t < 60) { f = v128.bitselect(vc, vb, v128.xor(vb, vd)); k = 0x8f1bbcdc; }
      else { f = v128.xor(v128.xor(vb, vc), vd); k = 0xca62c1d6; }
      const x = i32x4.add(i32x4.add(vrotl(va, 5), f), i32x4.add(i32x4.add(ve, i32x4.splat(k)), v128.load(VW1 + t * 16)));
      ve = vd; vd = vc; vc = vrotl(vb, 30); vb = va; va = x;
    }
    // Lanes whose message has no block `blk` keep their state.
    const live = i32x4.gt_u(blocks, i32x4.splat(blk));
    a = v128.bitselect(i32x4.add(a, va), a, live); b = v128.bitselect(i32x4.add(b, vb), b, live);
    c = v128.bitselect(i32x4.add(c, vc), c, live); d = v128.bitselect(i32x4.add(d, vd), d, live);
    e = v128.bitselect(i32x4.add(e, ve), e, live);
  }
  v128.store(VST, a); v128.store(VST, b, 16); v128.store(VST, c, 32); v128.store(VST, d, 48); v128.store(VST, e, 64);
  storeLanes(5, out);
}

export function sha1Many(data: usize, offsets: usize, lengths: usize, count: u32, out: usize): void {
  let k: u32 = 0;
  for (; k + 4 <= count; k += 4) {
    if (fillLanes(data, offsets, lengths, k)) sha1x4(out + k * 20);
    else for (let j: u32 = k; j < k + 4; j++) sha1One(data + load<u32>(offsets + j * 4), load<u32>(lengths + j * 4), out + j * 20);
  }
  for (; k < count; k++) sha1One(data + load<u32>(offsets + k * 4), load<u32>(lengths + k * 4), out + k * 20);
}

export function sha1Chain(pcrs: usize, states: usize, values: usize, count: u32, running: usize): void {
  for (let i: u32 = 0; i < count; i++) {
    const pcr = states + <usize>load<u8>(pcrs + i) * 20;
    // PCR ‖ value is 40 bytes: one block with its padding.
    memory.copy(TAIL, pcr, 20);
    memory.copy(TAIL + 20, values + i * 20, 20);
    store<u8>(TAIL + 40, 0x80);
    memory.fill(TAIL + 41, 0, 21);
    storeBe(TAIL + 60, 40 * 8);
    memory.copy(ST, H1, 20);
    block1(TAIL);
    for (let w: usize = 0; w < 5; w++) storeBe(pcr + w * 4, load<u32>(ST + w * 4));
    if (running != 0) memory.copy(running + i * 20, pcr, 20);
  }
}

/** Where the caller's buffers may start: after the constants and scratch above. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
