/**
 * Longest-prefix match over CIDR blocks: a binary trie per IP version. Used for known
 * networks, trusted proxies and reserved ranges, where the most specific block must win.
 */
import { bitAt, type ParsedCidr, type ParsedIp } from './ip-address';

interface TrieNode<T> {
  zero: TrieNode<T> | null;
  one: TrieNode<T> | null;
  value: T | undefined;
}

function newNode<T>(): TrieNode<T> {
  return { zero: null, one: null, value: undefined };
}

export class PrefixTable<T> {
  private readonly roots = { 4: newNode<T>(), 6: newNode<T>() };
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Add a block; returns the value already stored for exactly this block, if any (it is replaced). */
  insert(cidr: ParsedCidr, value: T): T | undefined {
    let node = this.roots[cidr.version];
    for (let i = 0; i < cidr.prefixLength; i++) {
      if (bitAt(cidr.bytes, i)) node = node.one ??= newNode<T>();
      else node = node.zero ??= newNode<T>();
    }
    const previous = node.value;
    if (previous === undefined) this.count++;
    node.value = value;
    return previous;
  }

  /** The value of the most specific block containing the address, or null. */
  match(address: ParsedIp): T | null {
    let node: TrieNode<T> | null = this.roots[address.version];
    let best: T | null = null;
    const bits = address.bytes.length * 8;
    for (let i = 0; node !== null; i++) {
      if (node.value !== undefined) best = node.value;
      if (i === bits) break;
      node = bitAt(address.bytes, i) ? node.one : node.zero;
    }
    return best;
  }

  /** The values of every block containing the address, least specific first. */
  matchAll(address: ParsedIp): T[] {
    let node: TrieNode<T> | null = this.roots[address.version];
    const found: T[] = [];
    const bits = address.bytes.length * 8;
    for (let i = 0; node !== null; i++) {
      if (node.value !== undefined) found.push(node.value);
      if (i === bits) break;
      node = bitAt(address.bytes, i) ? node.one : node.zero;
    }
    return found;
  }
}
