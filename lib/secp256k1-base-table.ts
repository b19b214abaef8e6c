/**
 * k·G on secp256k1 for the signer (lib/secp256k1-signer.ts), built for k6's VM rather than V8.
 * k6's interpreter (goja) runs BigInt arithmetic natively (Go's math/big: about a million 256-bit
 * multiply-mods a second here) while ordinary JavaScript arithmetic is interpreted: 24-bit limbs on
 * Numbers measured 25 times slower per field multiplication than BigInt, so this stays on BigInt
 * and wins by doing less of it: a fixed-base table of the generator (4-bit windows, 64 × 15 affine
 * points, built once per VM) turns k·G into 64 mixed Jacobian additions and no doubling, with
 * plain functions on local BigInts instead of point objects. Not constant-time: it signs load-test
 * requests with test keys, where speed is the point; noble stays the reference (verification, and
 * the property test that holds this signer to it).
 */

/** The field prime p = 2^256 − 2^32 − 977 and the group order n (SEC 2 › 2.4.1). */
export const SECP256K1_P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const GX = 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n;
const GY = 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n;

const P = SECP256K1_P;
const WINDOW_BITS = 4;
const WINDOWS = 256 / WINDOW_BITS;
const DIGITS = (1 << WINDOW_BITS) - 1;

/** a⁻¹ mod m by the extended Euclidean algorithm: a few hundred native BigInt divisions, cheaper than a ladder. */
export function invertMod(a: bigint, m: bigint): bigint {
  let r0 = m;
  let r1 = ((a % m) + m) % m;
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    // Temporaries rather than destructuring: no array per step in an interpreter.
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const t2 = t0 - q * t1;
    t0 = t1;
    t1 = t2;
  }
  if (r0 !== 1n) throw new RangeError('invertMod: not invertible');
  return t0 < 0n ? t0 + m : t0;
}

/** A point in Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity. */
interface Jacobian {
  x: bigint;
  y: bigint;
  z: bigint;
}

const mod = (a: bigint): bigint => {
  const r = a % P;
  return r < 0n ? r + P : r;
};

/** 2·(x, y, 1), dbl-2009-l for a = 0: the table's 2·base of each window, the one doubling it needs. */
function doubleAffine(x: bigint, y: bigint): Jacobian {
  const a = mod(x * x);
  const b = mod(y * y);
  const c = mod(b * b);
  const d = mod(2n * (mod((x + b) * (x + b)) - a - c));
  const e = mod(3n * a);
  const x3 = mod(e * e - 2n * d);
  return { x: x3, y: mod(e * (d - x3) - 8n * c), z: mod(2n * y) };
}

/**
 * Thrown where two equal points would be added, which needs the doubling formula: no sum here
 * meets it (before window w the partial sum's scalar is below 16^w, the window's term d·16^w is at
 * least 16^w, and both are below n), so it would be a bug, not an input.
 */
function equalPoints(): never {
  throw new RangeError('secp256k1 table: an addition of equal points, which no scalar below 2^256 makes');
}

/** (x, y, z) + (ax, ay, 1): madd with 8 multiplications and 3 squarings, for building the table. */
function addAffine(q: Jacobian, ax: bigint, ay: bigint): Jacobian {
  if (q.z === 0n) return { x: ax, y: ay, z: 1n };
  const zz = mod(q.z * q.z);
  const h = mod(ax * zz - q.x);
  const r = mod(ay * mod(zz * q.z) - q.y);
  if (h === 0n) return r === 0n ? equalPoints() : { x: 0n, y: 1n, z: 0n };
  const hh = mod(h * h);
  const hhh = mod(h * hh);
  const v = mod(q.x * hh);
  const x = mod(r * r - hhh - 2n * v);
  return { x, y: mod(r * (v - x) - q.y * hhh), z: mod(q.z * h) };
}

/** Table entry [w · DIGITS + d − 1]: d · 16^w · G in affine coordinates. */
let tableX: bigint[] | undefined;
let tableY: bigint[] | undefined;

/** Builds the table: Jacobian multiples, then one inversion for all of them (Montgomery's trick). */
function buildTable(): void {
  const points: Jacobian[] = [];
  let base: Jacobian = { x: GX, y: GY, z: 1n };
  for (let w = 0; w < WINDOWS; w++) {
    const baseAffine = toAffine(base);
    let multiple = base;
    points.push(multiple);
    for (let d = 2; d <= DIGITS; d++) {
      multiple = d === 2 ? doubleAffine(baseAffine.x, baseAffine.y) : addAffine(multiple, baseAffine.x, baseAffine.y);
      points.push(multiple);
    }
    base = addAffine(multiple, baseAffine.x, baseAffine.y); // 16 · base: the next window's
  }
  const prefix: bigint[] = [];
  let acc = 1n;
  for (const pt of points) {
    prefix.push(acc);
    acc = mod(acc * pt.z);
  }
  let inv = invertMod(acc, P);
  const xs = new Array<bigint>(points.length);
  const ys = new Array<bigint>(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const pt = points[i]!;
    const zInv = mod(inv * prefix[i]!);
    inv = mod(inv * pt.z);
    const zInv2 = mod(zInv * zInv);
    xs[i] = mod(pt.x * zInv2);
    ys[i] = mod(pt.y * mod(zInv2 * zInv));
  }
  tableX = xs;
  tableY = ys;
}

function toAffine(q: Jacobian): { x: bigint; y: bigint } {
  const zInv = invertMod(q.z, P);
  const zInv2 = mod(zInv * zInv);
  return { x: mod(q.x * zInv2), y: mod(q.y * mod(zInv2 * zInv)) };
}

/**
 * The affine x of k·G for 0 < k < 2^256; undefined for the point at infinity (k = n), which the
 * signer's nonces (0 < k < n) never give. The hot loop: the mixed addition of addAffine written out on local BigInts, reducing with
 * a bare % (residues may go negative in between; only the zero test and the result need them
 * canonical), since every call and object costs an interpreter step in k6.
 */
export function baseMultiplyX(k: bigint): bigint | undefined {
  if (tableX === undefined) buildTable();
  const xs = tableX!;
  const ys = tableY!;
  // Each hex digit of k is one 4-bit window, least significant last.
  const hex = k.toString(16).padStart(WINDOWS, '0');
  let x = 0n;
  let y = 1n;
  let z = 0n;
  for (let w = 0; w < WINDOWS; w++) {
    const d = parseInt(hex[WINDOWS - 1 - w]!, 16);
    if (d === 0) continue;
    const ax = xs[w * DIGITS + d - 1]!;
    const ay = ys[w * DIGITS + d - 1]!;
    if (z === 0n) {
      x = ax;
      y = ay;
      z = 1n;
      continue;
    }
    const zz = (z * z) % P;
    const h = (ax * zz - x) % P;
    const r = (ay * ((zz * z) % P) - y) % P;
    if (h === 0n) {
      // The sum meets the table point's negation (k = n: the point at infinity), or the point itself.
      if (r !== 0n) z = 0n;
      else equalPoints();
      continue;
    }
    const hh = (h * h) % P;
    const hhh = (h * hh) % P;
    const v = (x * hh) % P;
    x = (r * r - hhh - 2n * v) % P;
    y = (r * (v - x) - y * hhh) % P;
    z = (z * h) % P;
  }
  if (z === 0n) return undefined;
  const zInv = invertMod(z, P);
  return mod(x * mod(zInv * zInv));
}
