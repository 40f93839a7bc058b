/**
 * A small, deterministic MMDB writer (MaxMind DB format 2.0,
 * https://maxmind.github.io/MaxMind-DB/). It builds the embedded ASN database in geo-data
 * from CSV and the test databases of our own; its output is checked with `mmdblookup`
 * (libmaxminddb) in the tests. IPv6 trees hold IPv4 at ::a.b.c.d and alias ::ffff:0:0/96 to
 * it, as MaxMind's writers do. Later insertions replace earlier ones over their whole block
 * (a /16 inserted after a /24 inside it covers the /24), so insert general blocks first.
 */
import { InputError } from '../errors';
import { bitAt, parseCidr, parseIp } from './ip-address';

/** Values a record may hold. Non-negative integers become uint32 (uint64 from 2^32), negative ones int32, others doubles. */
export type MmdbValue = string | number | boolean | bigint | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

export interface MmdbWriterOptions {
  readonly databaseType: string;
  /** Build time written into the metadata (epoch ms): pass the data's own date for reproducible files. */
  readonly buildEpochMs: number;
  readonly ipVersion?: 4 | 6;
  readonly description?: Readonly<Record<string, string>>;
  readonly languages?: readonly string[];
}

const EMPTY = -1;
/** Leaves are stored as -(valueIndex + 2). */
const leaf = (valueIndex: number): number => -(valueIndex + 2);
const isNode = (record: number): boolean => record >= 0;

const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');

export class MmdbWriter {
  private left: Int32Array<ArrayBufferLike> = new Int32Array(1024);
  private right: Int32Array<ArrayBufferLike> = new Int32Array(1024);
  private nodeCount = 1;
  private readonly values: Buffer[] = [];
  private readonly valueIndex = new Map<string, number>();
  private readonly ipVersion: 4 | 6;

  constructor(private readonly options: MmdbWriterOptions) {
    this.ipVersion = options.ipVersion ?? 6;
    this.left[0] = EMPTY;
    this.right[0] = EMPTY;
  }

  private newNode(both: number): number {
    if (this.nodeCount === this.left.length) {
      const grow = (old: Int32Array<ArrayBufferLike>): Int32Array<ArrayBufferLike> => {
        const next = new Int32Array(old.length * 2);
        next.set(old);
        return next;
      };
      this.left = grow(this.left);
      this.right = grow(this.right);
    }
    const node = this.nodeCount++;
    this.left[node] = both;
    this.right[node] = both;
    return node;
  }

  /** Insert a CIDR block ("1.2.3.0/24", "2001:db8::/32") with its record. */
  insert(cidrText: string, value: MmdbValue): void {
    const cidr = parseCidr(cidrText);
    if (typeof cidr === 'string') throw new InputError('MMDB_WRITER_BAD_CIDR', `cannot insert ${cidrText}: ${cidr}`);
    if (cidr.version === 6 && this.ipVersion === 4) throw new InputError('MMDB_WRITER_BAD_CIDR', `cannot insert IPv6 block ${cidrText} into an IPv4 database`);
    const offset = cidr.version === 4 && this.ipVersion === 6 ? 96 : 0;
    const bits = offset + cidr.prefixLength;
    if (bits === 0) throw new InputError('MMDB_WRITER_BAD_CIDR', `cannot insert ${cidrText}: a block covering every address is not supported`);
    const bitOf = (i: number): number => (i < offset ? 0 : bitAt(cidr.bytes, i - offset));
    const record = leaf(this.internValue(value));
    let node = 0;
    for (let i = 0; i < bits - 1; i++) {
      const side = bitOf(i) ? this.right : this.left;
      let child = side[node]!;
      if (!isNode(child)) {
        child = this.newNode(child);
        (bitOf(i) ? this.right : this.left)[node] = child; // arrays may have grown
      }
      node = child;
    }
    (bitOf(bits - 1) ? this.right : this.left)[node] = record;
  }

  /** Insert every address from first to last (inclusive), as the fewest CIDR blocks. */
  insertRange(first: string, last: string, value: MmdbValue): void {
    for (const cidr of rangeToCidrs(first, last)) this.insert(cidr, value);
  }

  private internValue(value: MmdbValue): number {
    const encoded = encodeValue(value);
    const key = encoded.toString('latin1');
    let index = this.valueIndex.get(key);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(encoded);
      this.valueIndex.set(key, index);
    }
    return index;
  }

  /** Serialise the database. */
  toBuffer(): Buffer {
    if (this.ipVersion === 6) this.aliasMappedIpv4();
    this.collapseUniformNodes();
    const numbers = new Int32Array(this.nodeCount).fill(-1);
    const order: number[] = [];
    const queue: number[] = [0];
    numbers[0] = 0;
    order.push(0);
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      for (const child of [this.left[node]!, this.right[node]!]) {
        if (isNode(child) && numbers[child] === -1) {
          numbers[child] = order.length;
          order.push(child);
          queue.push(child);
        }
      }
    }
    const nodeCount = order.length;
    const dataOffsets: number[] = [];
    let dataBytes = 0;
    for (const value of this.values) {
      dataOffsets.push(dataBytes);
      dataBytes += value.length;
    }
    const maxRecord = nodeCount + 16 + dataBytes;
    const recordSize = maxRecord < 2 ** 24 ? 24 : maxRecord < 2 ** 28 ? 28 : 32;
    const nodeBytes = recordSize / 4;
    const tree = Buffer.alloc(nodeCount * nodeBytes);
    const recordValue = (record: number): number =>
      isNode(record) ? numbers[record]! : record === EMPTY ? nodeCount : nodeCount + 16 + dataOffsets[-record - 2]!;
    order.forEach((node, number) => {
      const l = recordValue(this.left[node]!);
      const r = recordValue(this.right[node]!);
      const at = number * nodeBytes;
      if (recordSize === 24) {
        tree.writeUIntBE(l, at, 3);
        tree.writeUIntBE(r, at + 3, 3);
      } else if (recordSize === 28) {
        tree.writeUIntBE(l & 0xffffff, at, 3);
        tree[at + 3] = ((l >>> 24) << 4) | (r >>> 24);
        tree.writeUIntBE(r & 0xffffff, at + 4, 3);
      } else {
        tree.writeUInt32BE(l, at);
        tree.writeUInt32BE(r, at + 4);
      }
    });
    const metadata = encodeValue({
      binary_format_major_version: new Uint16(2),
      binary_format_minor_version: new Uint16(0),
      build_epoch: BigInt(Math.floor(this.options.buildEpochMs / 1000)),
      database_type: this.options.databaseType,
      description: this.options.description ?? {},
      ip_version: new Uint16(this.ipVersion),
      languages: this.options.languages ?? [],
      node_count: nodeCount,
      record_size: new Uint16(recordSize),
    } as unknown as MmdbValue);
    return Buffer.concat([tree, Buffer.alloc(16), ...this.values, METADATA_MARKER, metadata]);
  }

  /**
   * Replace every node whose two records are the same leaf (or both empty) by that record,
   * bottom-up, so that a block inserted as many small pieces is stored as one.
   */
  private collapseUniformNodes(): void {
    const done = new Uint8Array(this.nodeCount);
    /** What a parent should hold instead of a pointer to this node: the node itself or a leaf. */
    const replacement = new Int32Array(this.nodeCount);
    const stack: number[] = [0];
    while (stack.length > 0) {
      const node = stack[stack.length - 1]!;
      const l = this.left[node]!;
      const r = this.right[node]!;
      if (isNode(l) && !done[l]) { stack.push(l); continue; }
      if (isNode(r) && !done[r]) { stack.push(r); continue; }
      const newLeft = isNode(l) ? replacement[l]! : l;
      const newRight = isNode(r) ? replacement[r]! : r;
      this.left[node] = newLeft;
      this.right[node] = newRight;
      replacement[node] = node !== 0 && newLeft === newRight && !isNode(newLeft) ? newLeft : node;
      done[node] = 1;
      stack.pop();
    }
  }

  /** Make ::ffff:0:0/96 answer like ::/96 (the IPv4 subtree), as MaxMind's own databases do. */
  private aliasMappedIpv4(): void {
    let node = 0;
    for (let i = 0; i < 95; i++) {
      let child = this.left[node]!;
      if (!isNode(child)) {
        if (child === EMPTY) return; // no IPv4 data at all
        child = this.newNode(child);
        this.left[node] = child;
      }
      node = child;
    }
    const ipv4Root = this.left[node]!;
    // Path of ::ffff:0:0/96: 80 zero bits then 16 one bits.
    let at = 0;
    for (let i = 0; i < 95; i++) {
      const one = i >= 80;
      let child = (one ? this.right : this.left)[at]!;
      if (!isNode(child)) {
        child = this.newNode(child);
        (one ? this.right : this.left)[at] = child;
      }
      at = child;
    }
    this.right[at] = ipv4Root;
  }
}

/** Marks a number to be written as uint16 (metadata fields the spec types as uint16). */
class Uint16 {
  constructor(readonly value: number) {}
}

function controlBytes(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) {
    sizeBits = 29;
    extra.push(size - 29);
  } else if (size < 65821) {
    sizeBits = 30;
    const v = size - 285;
    extra.push(v >> 8, v & 0xff);
  } else {
    sizeBits = 31;
    const v = size - 65821;
    extra.push((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
  }
  if (type <= 7) bytes.push((type << 5) | sizeBits);
  else bytes.push(sizeBits, type - 7);
  return Buffer.from([...bytes, ...extra]);
}

function unsignedBytes(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0n) {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return Buffer.from(bytes);
}

/** Encode one value in the MMDB data-section format. */
export function encodeValue(value: MmdbValue | Uint16): Buffer {
  if (value instanceof Uint16) {
    const payload = unsignedBytes(BigInt(value.value));
    return Buffer.concat([controlBytes(5, payload.length), payload]);
  }
  if (typeof value === 'string') {
    const payload = Buffer.from(value, 'utf8');
    return Buffer.concat([controlBytes(2, payload.length), payload]);
  }
  if (typeof value === 'boolean') return controlBytes(14, value ? 1 : 0);
  if (typeof value === 'bigint') {
    if (value < 0n) throw new InputError('MMDB_WRITER_BAD_VALUE', `negative bigint ${value} cannot be stored`);
    const payload = unsignedBytes(value);
    return Buffer.concat([controlBytes(payload.length > 8 ? 10 : 9, payload.length), payload]);
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) {
      const payload = unsignedBytes(BigInt(value));
      return value < 2 ** 32 ? Buffer.concat([controlBytes(6, payload.length), payload]) : Buffer.concat([controlBytes(9, payload.length), payload]);
    }
    if (Number.isInteger(value) && value >= -(2 ** 31) && value < 0) {
      const payload = Buffer.alloc(4);
      payload.writeInt32BE(value);
      return Buffer.concat([controlBytes(8, 4), payload]);
    }
    const payload = Buffer.alloc(8);
    payload.writeDoubleBE(value);
    return Buffer.concat([controlBytes(3, 8), payload]);
  }
  if (Array.isArray(value)) {
    return Buffer.concat([controlBytes(11, value.length), ...value.map((item) => encodeValue(item as MmdbValue))]);
  }
  const entries = Object.entries(value as Record<string, MmdbValue>);
  return Buffer.concat([controlBytes(7, entries.length), ...entries.flatMap(([key, item]) => [encodeValue(key), encodeValue(item)])]);
}

/** The fewest CIDR blocks covering first..last inclusive (both of the same IP version). */
export function rangeToCidrs(first: string, last: string): string[] {
  const start = parseCidr(first);
  const end = parseCidr(last);
  if (typeof start === 'string' || typeof end === 'string' || start.version !== end.version) {
    throw new InputError('MMDB_WRITER_BAD_RANGE', `"${first}" to "${last}" is not a range of addresses of one IP version`);
  }
  const bits = start.version === 4 ? 32 : 128;
  const toBig = (bytes: Uint8Array): bigint => bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  let low = toBig(start.bytes);
  const high = toBig(end.bytes);
  if (low > high) throw new InputError('MMDB_WRITER_BAD_RANGE', `range ${first} - ${last} ends before it starts`);
  const cidrs: string[] = [];
  while (low <= high) {
    let size = 0;
    while (size < bits && (low & ((1n << BigInt(size + 1)) - 1n)) === 0n && low + (1n << BigInt(size + 1)) - 1n <= high) size++;
    cidrs.push(`${formatAddress(low, start.version)}/${bits - size}`);
    low += 1n << BigInt(size);
  }
  return cidrs;
}

function formatAddress(value: bigint, version: 4 | 6): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const parts: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) parts.push(((value >> shift) & 0xffffn).toString(16));
  return parseIp(parts.join(':'))!.canonical;
}
