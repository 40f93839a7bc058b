'use strict';
/**
 * @logwitness/geo-data: the embedded offline GeoIP defaults (country and ASN). See README.md
 * for sources, licences, attribution text, dates and how to refresh them.
 */
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const manifestPath = join(__dirname, 'data', 'manifest.json');
const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : { databases: [] };

/** Absolute path and pinned sha256 (of the MMDB content, after gunzip) of each embedded database. */
const databases = manifest.databases.map((entry) => Object.freeze({ ...entry, path: join(__dirname, entry.file) }));

module.exports = { databases, manifest };
