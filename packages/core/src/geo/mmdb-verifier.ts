/**
 * A full structural check of an MMDB before it is trusted, in the spirit of MaxMind's
 * `mmdbverify`: every search-tree record must point at a node, the "not found" marker or the
 * data section; every data record reached from the tree must decode within bounds, with valid
 * UTF-8, map keys that are strings, no pointer to a pointer and bounded nesting. The reader
 * library assumes a well-formed file; hostile files (cyclic pointers, oversized maps, integer
 * overflows) are refused here with a reason instead of hanging or crashing it.
 * Spec: https://maxmind.github.io/MaxMind-DB/
 */

const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');
const DATA_SEPARATOR_BYTES = 16;
/** libmaxminddb refuses deeper structures too. */
const MAX_DEPTH = 512;

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Problem extends Error {}

/** Where the metadata marker starts (the end of the data section), or -1. */
function metadataStart(bytes: Buffer): number {
  return bytes.lastIndexOf(METADATA_MARKER);
}

function readRecords(bytes: Buffer, node: number, recordSize: number): [number, number] {
  switch (recordSize) {
    case 24: {
      const at = node * 6;
      return [bytes.readUIntBE(at, 3), bytes.readUIntBE(at + 3, 3)];
    }
    case 28: {
      const at = node * 7;
      const middle = bytes[at + 3]!;
      return [((middle & 0xf0) << 20) + bytes.readUIntBE(at, 3), ((middle & 0x0f) << 24) + bytes.readUIntBE(at + 4, 3)];
    }
    default: {
      const at = node * 8;
      return [bytes.readUInt32BE(at), bytes.readUInt32BE(at + 4)];
    }
  }
}

class DataChecker {
  private readonly verified = new Set<number>();

  constructor(
    private readonly bytes: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  private need(offset: number, length: number): void {
    if (length < 0 || offset + length > this.end) throw new Problem(`data at offset ${offset - this.start} runs past the end of the data section`);
  }

  /** Check the value at a data-section offset; returns the offset after it. */
  check(offset: number, depth: number, followedPointer: boolean): number {
    if (depth > MAX_DEPTH) throw new Problem(`data nested deeper than ${MAX_DEPTH} levels`);
    this.need(offset, 1);
    const control = this.bytes[offset]!;
    let type = control >> 5;
    let at = offset + 1;
    if (type === 1) {
      if (followedPointer) throw new Problem(`pointer to a pointer at data offset ${offset - this.start}`);
      const sizeBits = (control >> 3) & 3;
      this.need(at, sizeBits + 1);
      const low = control & 7;
      let target: number;
      if (sizeBits === 0) target = (low << 8) | this.bytes[at]!;
      else if (sizeBits === 1) target = ((low << 16) | this.bytes.readUInt16BE(at)) + 2048;
      else if (sizeBits === 2) target = low * 0x1000000 + this.bytes.readUIntBE(at, 3) + 526336;
      else target = this.bytes.readUInt32BE(at);
      const absolute = this.start + target;
      if (absolute >= this.end) throw new Problem(`pointer at data offset ${offset - this.start} points outside the data section`);
      if (!this.verified.has(absolute)) {
        this.check(absolute, depth + 1, true);
        this.verified.add(absolute);
      }
      return at + sizeBits + 1;
    }
    if (type === 0) {
      this.need(at, 1);
      type = 7 + this.bytes[at]!;
      at++;
      if (type < 8 || type > 15) throw new Problem(`unknown data type ${type} at data offset ${offset - this.start}`);
    }
    let size = control & 0x1f;
    if (size >= 29) {
      const extra = size - 28;
      this.need(at, extra);
      const value = this.bytes.readUIntBE(at, extra);
      size = size === 29 ? 29 + value : size === 30 ? 285 + value : 65821 + value;
      at += extra;
    }
    switch (type) {
      case 2: // UTF-8 string
        this.need(at, size);
        try {
          utf8.decode(this.bytes.subarray(at, at + size));
        } catch {
          throw new Problem(`invalid UTF-8 in a string at data offset ${offset - this.start}`);
        }
        return at + size;
      case 3: // double
        if (size !== 8) throw new Problem(`double of ${size} bytes at data offset ${offset - this.start}`);
        this.need(at, size);
        return at + size;
      case 15: // float
        if (size !== 4) throw new Problem(`float of ${size} bytes at data offset ${offset - this.start}`);
        this.need(at, size);
        return at + size;
      case 4: // bytes
        this.need(at, size);
        return at + size;
      case 5: case 6: case 8: case 9: case 10: { // integers
        const max = type === 5 ? 2 : type === 6 || type === 8 ? 4 : type === 9 ? 8 : 16;
        if (size > max) throw new Problem(`integer of ${size} bytes (type ${type} holds at most ${max}) at data offset ${offset - this.start}`);
        this.need(at, size);
        return at + size;
      }
      case 7: { // map
        // Each pair needs at least two bytes: a size larger than what is left is a lie.
        if (size * 2 > this.end - at) throw new Problem(`map of ${size} entries cannot fit at data offset ${offset - this.start}`);
        for (let i = 0; i < size; i++) {
          this.checkKey(at);
          at = this.check(at, depth + 1, false);
          at = this.check(at, depth + 1, false);
        }
        return at;
      }
      case 11: // array
        if (size > this.end - at) throw new Problem(`array of ${size} entries cannot fit at data offset ${offset - this.start}`);
        for (let i = 0; i < size; i++) at = this.check(at, depth + 1, false);
        return at;
      case 14: // boolean: the size is the value
        if (size > 1) throw new Problem(`boolean with value ${size} at data offset ${offset - this.start}`);
        return at;
      default:
        throw new Problem(`data type ${type} is not allowed in a record (data offset ${offset - this.start})`);
    }
  }

  /** Map keys must be strings, directly or through a pointer. */
  private checkKey(offset: number): void {
    this.need(offset, 1);
    let control = this.bytes[offset]!;
    if (control >> 5 === 1) {
      const sizeBits = (control >> 3) & 3;
      this.need(offset + 1, sizeBits + 1);
      const low = control & 7;
      const at = offset + 1;
      const target = sizeBits === 0 ? (low << 8) | this.bytes[at]!
        : sizeBits === 1 ? ((low << 16) | this.bytes.readUInt16BE(at)) + 2048
        : sizeBits === 2 ? low * 0x1000000 + this.bytes.readUIntBE(at, 3) + 526336
        : this.bytes.readUInt32BE(at);
      if (this.start + target >= this.end) throw new Problem(`map key pointer at data offset ${offset - this.start} points outside the data section`);
      control = this.bytes[this.start + target]!;
    }
    if (control >> 5 !== 2) throw new Problem(`map key at data offset ${offset - this.start} is not a string`);
  }

  checkRecord(offset: number): void {
    if (this.verified.has(offset)) return;
    this.check(offset, 0, false);
    this.verified.add(offset);
  }
}

/**
 * The search tree must be a DAG (writers share the IPv4 subtree between ::/96, ::ffff:0:0/96,
 * 2001::/32 and 2002::/16, so a node may have several parents) no deeper than the address
 * length. A cycle would make lookups walk in circles and answer from the wrong node.
 */
function checkTreeShape(bytes: Buffer, nodeCount: number, recordSize: number, addressBits: number): string | null {
  const NEW = 0;
  const OPEN = 1;
  const DONE = 2;
  const state = new Uint8Array(nodeCount);
  const height = new Uint8Array(nodeCount);
  const stack: number[] = [0];
  state[0] = OPEN;
  while (stack.length > 0) {
    const node = stack[stack.length - 1]!;
    const records = readRecords(bytes, node, recordSize);
    let descended = false;
    for (const child of records) {
      if (child >= nodeCount) continue;
      if (state[child] === OPEN) return `the search tree has a cycle (node ${node} points back to node ${child})`;
      if (state[child] === NEW) {
        state[child] = OPEN;
        stack.push(child);
        descended = true;
        break;
      }
    }
    if (descended) continue;
    let deepest = 0;
    for (const child of records) if (child < nodeCount) deepest = Math.max(deepest, height[child]!);
    if (deepest + 1 > addressBits) return `the search tree is deeper than ${addressBits} bits at node ${node}`;
    height[node] = deepest + 1;
    state[node] = DONE;
    stack.pop();
  }
  return null;
}

/**
 * Check an MMDB's search tree and data section. Returns null when the file is sound, else a
 * sentence saying what is wrong.
 */
export function verifyMmdb(bytes: Buffer, nodeCount: number, recordSize: number, ipVersion: number): string | null {
  try {
    if (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) return `record size ${recordSize} (expected 24, 28 or 32)`;
    const end = metadataStart(bytes);
    if (end < 0) return 'no metadata marker';
    const treeBytes = (nodeCount * recordSize) / 4;
    if (treeBytes + DATA_SEPARATOR_BYTES > end) return `metadata node_count ${nodeCount} describes a search tree larger than the file`;
    for (let i = treeBytes; i < treeBytes + DATA_SEPARATOR_BYTES; i++) {
      if (bytes[i] !== 0) return 'the 16-byte separator after the search tree is not all zeros';
    }
    const treeProblem = checkTreeShape(bytes, nodeCount, recordSize, ipVersion === 4 ? 32 : 128);
    if (treeProblem !== null) return treeProblem;
    const dataStart = treeBytes + DATA_SEPARATOR_BYTES;
    const checker = new DataChecker(bytes, dataStart, end);
    const dataBytes = end - dataStart;
    for (let node = 0; node < nodeCount; node++) {
      for (const record of readRecords(bytes, node, recordSize)) {
        // The root has no parent: a record pointing at it can only be corruption.
        if (record === 0) return `search tree node ${node} points back to the root node`;
        if (record <= nodeCount) continue;
        const offset = record - nodeCount - DATA_SEPARATOR_BYTES;
        if (offset < 0) return `search tree node ${node} points into the data separator`;
        if (offset >= dataBytes) return `search tree node ${node} points past the end of the data section`;
        checker.checkRecord(dataStart + offset);
      }
    }
    return null;
  } catch (error) {
    if (error instanceof Problem) return error.message;
    if (error instanceof RangeError) return `malformed data (${error.message})`;
    throw error;
  }
}
