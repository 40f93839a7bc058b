/**
 * Target matching (DESIGN §4): TARGET is normalised exactly as request targets were at
 * ingest (normalizeTargetPath), then compared with the distinct paths of the case, exactly,
 * as a prefix or as a glob, optionally without case. Only the paths table is searched here;
 * the requests for the matching paths are then read through the path index.
 */
import { InputError } from '../errors';
import type { PathRow, RequestQueries } from '../store/request-queries';
import { normalizeTargetPath } from '../url-path';
import { MAX_MATCHED_PATHS, type MatchMode } from './options';

export interface TargetMatch {
  /** TARGET as given by the user. */
  readonly given: string;
  /** TARGET normalised like request paths (the form reports show). */
  readonly target: string;
  readonly mode: MatchMode;
  readonly caseInsensitive: boolean;
  /** The distinct request paths that match, in path order. */
  readonly paths: readonly PathRow[];
}

/** Normalise a user-given TARGET (a URL path, or a full URL) to the form stored for requests. */
export function normalizeTarget(given: string): string {
  const trimmed = given.trim();
  if (trimmed === '') throw new InputError('BAD_TARGET', 'TARGET is empty: give the URL path of the exposed file, e.g. /admin/export/donors.csv');
  // A relative path ("admin/x.csv") is taken from the site root rather than refused.
  const withRoot = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed) || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  const normalized = normalizeTargetPath(withRoot);
  if (normalized === null) {
    throw new InputError('BAD_TARGET', `TARGET "${given}" is not a URL path: expected something like /admin/export/donors.csv`);
  }
  return normalized;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A glob as a RegExp: `**` matches across segments, `*` within one. `?` is not a wildcard (it starts a query). */
export function globToRegExp(glob: string, caseInsensitive: boolean): RegExp {
  const source = glob
    .split('**')
    .map((part) => part.split('*').map(escapeRegExp).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
}

/** The literal text before the first wildcard of a glob: the range of the path index to read. */
function literalPrefix(glob: string): string {
  const star = glob.indexOf('*');
  return star === -1 ? glob : glob.slice(0, star);
}

function predicateFor(target: string, mode: MatchMode, caseInsensitive: boolean): (path: string) => boolean {
  if (mode === 'glob') {
    const pattern = globToRegExp(target, caseInsensitive);
    return (path) => pattern.test(path);
  }
  const wanted = caseInsensitive ? target.toLowerCase() : target;
  const fold = caseInsensitive ? (path: string) => path.toLowerCase() : (path: string) => path;
  return mode === 'prefix' ? (path) => fold(path).startsWith(wanted) : (path) => fold(path) === wanted;
}

/** Find the distinct request paths that TARGET matches. */
export function matchTarget(queries: RequestQueries, given: string, mode: MatchMode = 'exact', caseInsensitive = false): TargetMatch {
  const target = normalizeTarget(given);
  const matches = predicateFor(target, mode, caseInsensitive);
  let paths: PathRow[];
  if (caseInsensitive) {
    // No index folds case: read the distinct paths (not the requests) once.
    paths = [];
    for (const row of queries.iteratePaths()) if (matches(row.path)) paths.push(row);
    paths.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } else if (mode === 'exact') {
    const row = queries.findPath(target);
    paths = row === null ? [] : [row];
  } else {
    const prefix = mode === 'prefix' ? target : literalPrefix(target);
    paths = queries.findPathsWithPrefix(prefix, Number.MAX_SAFE_INTEGER).filter((row) => matches(row.path));
  }
  if (paths.length > MAX_MATCHED_PATHS) {
    throw new InputError(
      'TARGET_TOO_BROAD',
      `TARGET "${given}" (--match ${mode}) matches ${paths.length} distinct paths; at most ${MAX_MATCHED_PATHS} can be analysed file by file: narrow it`,
    );
  }
  return { given, target, mode, caseInsensitive, paths };
}
