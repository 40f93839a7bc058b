/**
 * Normalisation of request targets to the path used for target matching (DESIGN §4):
 * drop the query string and fragment, take the path of absolute-form targets
 * ("http://host/path"), decode percent-encoded unreserved characters (RFC 3986 §2.3) and
 * upper-case the remaining percent-encodings (§6.2.2.1), collapse repeated slashes and
 * resolve "." and ".." segments (§5.2.4). Reserved characters such as %2F stay encoded:
 * servers differ in how they treat them, so they are not the same path.
 */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * A "%" not followed by two hex digits is invalid (RFC 3986 §2.1) and is written as "%25":
 * left bare, it could pair with characters decoded beside it ("/%7%41" would become "/%7A",
 * then "/z" on a second pass), so the result would be neither stable nor safe to compare.
 */
function normalizePercentEncoding(path: string): string {
  if (path.indexOf('%') === -1) return path;
  return path.replace(/%([0-9A-Fa-f]{2})?/g, (match, hex: string | undefined) => {
    if (hex === undefined) return '%25';
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : match.toUpperCase();
  });
}

function removeDotSegments(path: string): string {
  const input = path.split('/');
  const output: string[] = [];
  for (let i = 1; i < input.length; i++) {
    const segment = input[i]!;
    const last = i === input.length - 1;
    if (segment === '.' || segment === '') {
      if (last) output.push('');
    } else if (segment === '..') {
      output.pop();
      if (last) output.push('');
    } else {
      output.push(segment);
    }
  }
  return '/' + output.join('/');
}

/** The normalised path of a request target, or null when the target has no path ("*", junk). */
export function normalizeTargetPath(target: string): string | null {
  let path = target;
  const queryAt = path.search(/[?#]/);
  if (queryAt !== -1) path = path.slice(0, queryAt);
  if (!path.startsWith('/')) {
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/.exec(path);
    if (scheme === null) return null;
    path = path.slice(scheme[0].length) || '/';
  }
  path = normalizePercentEncoding(path);
  // Fast path: nothing to collapse or resolve.
  if (path.indexOf('//') === -1 && path.indexOf('/.') === -1) return path;
  return removeDotSegments(path);
}
