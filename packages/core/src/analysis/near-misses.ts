/**
 * Near misses: requested paths that resemble the target but are not it — a backup copy
 * (".bak"), another year's file, another extension of the same name, the folder listing.
 * They are shown as a hint (the investigator may have the wrong target, or the leak may be
 * wider), never counted as the target. Found from the paths index only.
 */
import type { NearMiss } from '../model';
import type { RequestQueries } from '../store/request-queries';

/** How many paths sharing the target's name prefix are examined at most. */
const CANDIDATE_LIMIT = 5_000;

/** The name with digits removed, up to its first dot: "donors-2026.csv.bak" -> "donors-". */
function stemKey(name: string): string {
  const dot = name.indexOf('.');
  return (dot === -1 ? name : name.slice(0, dot)).replace(/\d+/g, '').toLowerCase();
}

/** Paths near an exact target, with their request counts; the target itself and excluded paths are left out. */
export function findNearMisses(queries: RequestQueries, target: string, exclude: ReadonlySet<string>): NearMiss[] {
  const slash = target.lastIndexOf('/');
  const folder = target.slice(0, slash + 1);
  const name = target.slice(slash + 1);
  const candidates = new Map<string, number>();
  if (name !== '') {
    const key = stemKey(name);
    // The literal start of the name (before any digit or dot) bounds the index range read.
    const literal = /^[^\d.]*/.exec(name)![0];
    for (const row of queries.findPathsWithPrefix(folder + literal, CANDIDATE_LIMIT)) {
      const candidateName = row.path.slice(folder.length);
      if (candidateName.includes('/')) continue;
      if (stemKey(candidateName) === key) candidates.set(row.path, row.pathId);
    }
    // The folder itself, with and without its trailing slash (a directory listing or redirect).
    for (const listing of [folder, folder.slice(0, -1)]) {
      if (listing === '') continue;
      const row = queries.findPath(listing);
      if (row !== null) candidates.set(row.path, row.pathId);
    }
  }
  const nearMisses: NearMiss[] = [];
  for (const [path, pathId] of candidates) {
    if (path === target || exclude.has(path)) continue;
    const counts = queries.countsForPath(pathId);
    nearMisses.push({ path, requests: counts.requests, successes: counts.successes });
  }
  return nearMisses.sort((a, b) => b.requests - a.requests || (a.path < b.path ? -1 : 1));
}
