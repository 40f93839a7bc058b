/**
 * The case-file schema, as numbered migrations. `PRAGMA user_version` holds the number of
 * the last one applied; a case file newer than this build is refused rather than guessed at.
 * Never edit a released migration: add the next one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sources, requests, rejects, interned strings',
    sql: `
      CREATE TABLE case_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- One row per ingested input file. sha256 is of the bytes as given; content_sha256 of
      -- the decompressed text (equal to sha256 for plain files).
      CREATE TABLE sources (
        id              INTEGER PRIMARY KEY,
        path            TEXT NOT NULL,
        size_bytes      INTEGER,
        mtime_ms        INTEGER,
        sha256          TEXT NOT NULL,
        content_sha256  TEXT NOT NULL,
        compression     TEXT,
        format          TEXT NOT NULL,
        format_detail   TEXT,
        time_basis      TEXT NOT NULL,
        lines           INTEGER NOT NULL,
        parsed          INTEGER NOT NULL,
        rejected        INTEGER NOT NULL,
        skipped_lines   INTEGER NOT NULL,
        first_time_ms   INTEGER,
        last_time_ms    INTEGER,
        status          TEXT NOT NULL CHECK (status IN ('complete', 'incomplete')),
        error           TEXT,
        ingest_options  TEXT,
        ingested_at_ms  INTEGER NOT NULL,
        tool_version    TEXT NOT NULL
      );
      CREATE UNIQUE INDEX sources_by_sha256 ON sources (sha256);

      -- The raw bytes of every input line, deflate-compressed in blocks, so that any cited
      -- line can be reproduced verbatim from the case alone.
      CREATE TABLE raw_blocks (
        source_id   INTEGER NOT NULL REFERENCES sources (id),
        first_line  INTEGER NOT NULL,
        line_count  INTEGER NOT NULL,
        data        BLOB NOT NULL,
        PRIMARY KEY (source_id, first_line)
      ) WITHOUT ROWID;

      -- Repeated strings are stored once.
      CREATE TABLE ips       (id INTEGER PRIMARY KEY, ip TEXT NOT NULL UNIQUE);
      CREATE TABLE paths     (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
      CREATE TABLE agents    (id INTEGER PRIMARY KEY, agent TEXT NOT NULL UNIQUE);
      CREATE TABLE referrers (id INTEGER PRIMARY KEY, referrer TEXT NOT NULL UNIQUE);

      -- One row per parsed line. time_ms is UTC epoch milliseconds; utc_offset_min is the
      -- offset written in the log (the original text is in raw_blocks). path_id is the
      -- normalised path used for target matching; target keeps the request target as sent
      -- when it differs from that path (query string, encoding, dot segments).
      CREATE TABLE requests (
        id              INTEGER PRIMARY KEY,
        source_id       INTEGER NOT NULL REFERENCES sources (id),
        line            INTEGER NOT NULL,
        time_ms         INTEGER NOT NULL,
        utc_offset_min  INTEGER NOT NULL,
        client_ip_id    INTEGER NOT NULL REFERENCES ips (id),
        remote_ip_id    INTEGER REFERENCES ips (id),
        forwarded_for   TEXT,
        method          TEXT,
        path_id         INTEGER REFERENCES paths (id),
        target          TEXT,
        protocol        TEXT,
        request_line    TEXT,
        status          INTEGER,
        bytes           INTEGER,
        referrer_id     INTEGER REFERENCES referrers (id),
        agent_id        INTEGER REFERENCES agents (id),
        ident           TEXT,
        user_name       TEXT,
        vhost           TEXT,
        server_port     INTEGER,
        duration_us     INTEGER,
        range_header    TEXT,
        content_range   TEXT,
        range_start     INTEGER,
        range_end       INTEGER,
        object_size     INTEGER,
        extra           TEXT
      );

      -- Lines that could not be parsed, with the reason. raw is the line decoded for display
      -- (at most 64 KiB of it); raw_bytes is its full length in bytes.
      CREATE TABLE rejects (
        id         INTEGER PRIMARY KEY,
        source_id  INTEGER NOT NULL REFERENCES sources (id),
        line       INTEGER NOT NULL,
        reason     TEXT NOT NULL,
        raw        TEXT NOT NULL,
        raw_bytes  INTEGER NOT NULL
      );
      CREATE INDEX rejects_by_source ON rejects (source_id, line);

      -- Requests with their strings joined back, for \`logwitness sql\`.
      CREATE VIEW request_view AS
        SELECT r.id, s.path AS source_path, s.sha256 AS source_sha256, r.line,
               strftime('%Y-%m-%dT%H:%M:%fZ', r.time_ms / 1000.0, 'unixepoch') AS time_utc,
               r.time_ms, r.utc_offset_min, ci.ip AS client_ip, ri.ip AS remote_ip, r.forwarded_for,
               r.method, p.path, COALESCE(r.target, p.path) AS target, r.protocol, r.request_line,
               r.status, r.bytes, rf.referrer, a.agent AS user_agent, r.ident, r.user_name, r.vhost,
               r.server_port, r.duration_us, r.range_header, r.content_range, r.range_start,
               r.range_end, r.object_size, r.extra
        FROM requests r
        JOIN sources s ON s.id = r.source_id
        JOIN ips ci ON ci.id = r.client_ip_id
        LEFT JOIN ips ri ON ri.id = r.remote_ip_id
        LEFT JOIN paths p ON p.id = r.path_id
        LEFT JOIN referrers rf ON rf.id = r.referrer_id
        LEFT JOIN agents a ON a.id = r.agent_id;
    `,
  },
  {
    version: 2,
    name: 'attribution: databases used and stored attributions',
    sql: `
      -- Every GeoIP database and known-networks file that attributed something in this case.
      -- sha256 is of the MMDB content (after gunzip) or of the networks CSV.
      CREATE TABLE geo_databases (
        id               INTEGER PRIMARY KEY,
        kind             TEXT NOT NULL CHECK (kind IN ('mmdb', 'networks')),
        path             TEXT NOT NULL,
        sha256           TEXT NOT NULL,
        database_type    TEXT,
        build_epoch_ms   INTEGER,
        first_used_at_ms INTEGER NOT NULL,
        UNIQUE (kind, sha256, path)
      );

      -- The attribution of one client address for one period. Periods exist when several
      -- dated snapshots (or networks rows with validity dates) were in use: a request at time t
      -- uses the row with period_from_ms <= t < period_to_ms (NULL = open end; 0 = open start).
      -- provenance is JSON: [{"databaseId": geo_databases.id, "fields": ["countryCode", ...]}].
      CREATE TABLE attributions (
        ip_id               INTEGER NOT NULL REFERENCES ips (id),
        period_from_ms      INTEGER NOT NULL,
        period_to_ms        INTEGER,
        reserved            TEXT,
        country_code        TEXT,
        country_name        TEXT,
        subdivision         TEXT,
        city                TEXT,
        latitude            REAL,
        longitude           REAL,
        accuracy_radius_km  INTEGER,
        asn                 INTEGER,
        as_org              TEXT,
        isp                 TEXT,
        organization        TEXT,
        connection_type     TEXT,
        is_anonymous        INTEGER,
        is_anonymous_vpn    INTEGER,
        is_hosting_provider INTEGER,
        is_public_proxy     INTEGER,
        is_tor_exit_node    INTEGER,
        network             TEXT,
        network_cidr        TEXT,
        network_source      TEXT,
        networks_file_id    INTEGER REFERENCES geo_databases (id),
        provenance          TEXT NOT NULL,
        attributed_at_ms    INTEGER NOT NULL,
        PRIMARY KEY (ip_id, period_from_ms)
      ) WITHOUT ROWID;

      -- Attributions with the address joined back, for \`logwitness sql\`.
      CREATE VIEW attribution_view AS
        SELECT i.ip, a.*
        FROM attributions a JOIN ips i ON i.id = a.ip_id;
    `,
  },
  {
    version: 3,
    name: 'requests laid out for bulk loads: integer words, rare fields aside, hourly counts; brotli raw blocks',
    // Measured on the 1M-line benchmark log: binding two short strings per row cost more than
    // ten integers, and thirteen mostly-NULL columns widened every row; the time index cost
    // a fifth of the index build and answered only the hourly traffic counts, now kept at
    // ingest. The old table is renamed, copied and dropped, so older cases are upgraded in place.
    sql: `
      DROP VIEW request_view;
      DROP INDEX IF EXISTS requests_by_path_time;
      DROP INDEX IF EXISTS requests_by_client_time;
      DROP INDEX IF EXISTS requests_by_time;
      ALTER TABLE requests RENAME TO requests_v2;

      -- Short repeated words of a request: methods and protocols.
      CREATE TABLE words (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE);

      -- One row per parsed request, as in version 1 (time_ms is UTC epoch milliseconds,
      -- utc_offset_min the offset written in the log, path_id the normalised path, target the
      -- request target as sent when it differs), with the method and protocol as words, and the
      -- fields most formats leave empty in request_details.
      CREATE TABLE requests (
        id              INTEGER PRIMARY KEY,
        source_id       INTEGER NOT NULL REFERENCES sources (id),
        line            INTEGER NOT NULL,
        time_ms         INTEGER NOT NULL,
        utc_offset_min  INTEGER NOT NULL,
        client_ip_id    INTEGER NOT NULL REFERENCES ips (id),
        path_id         INTEGER REFERENCES paths (id),
        status          INTEGER,
        bytes           INTEGER,
        method_id       INTEGER REFERENCES words (id),
        protocol_id     INTEGER REFERENCES words (id),
        referrer_id     INTEGER REFERENCES referrers (id),
        agent_id        INTEGER REFERENCES agents (id),
        remote_ip_id    INTEGER REFERENCES ips (id),
        target          TEXT
      );

      -- The rest of what a request logged, for the requests that logged any of it.
      CREATE TABLE request_details (
        request_id      INTEGER PRIMARY KEY REFERENCES requests (id),
        forwarded_for   TEXT,
        request_line    TEXT,
        ident           TEXT,
        user_name       TEXT,
        vhost           TEXT,
        server_port     INTEGER,
        duration_us     INTEGER,
        range_header    TEXT,
        content_range   TEXT,
        range_start     INTEGER,
        range_end       INTEGER,
        object_size     INTEGER,
        extra           TEXT
      );

      -- Requests per source and UTC hour: the traffic pattern gaps are judged against.
      CREATE TABLE request_hours (
        source_id      INTEGER NOT NULL REFERENCES sources (id),
        hour_start_ms  INTEGER NOT NULL,
        requests       INTEGER NOT NULL,
        PRIMARY KEY (source_id, hour_start_ms)
      ) WITHOUT ROWID;

      INSERT INTO words (word) SELECT method FROM requests_v2 WHERE method IS NOT NULL
        UNION SELECT protocol FROM requests_v2 WHERE protocol IS NOT NULL;
      INSERT INTO requests (id, source_id, line, time_ms, utc_offset_min, client_ip_id, path_id, status, bytes,
          method_id, protocol_id, referrer_id, agent_id, remote_ip_id, target)
        SELECT r.id, r.source_id, r.line, r.time_ms, r.utc_offset_min, r.client_ip_id, r.path_id, r.status, r.bytes,
          m.id, p.id, r.referrer_id, r.agent_id, r.remote_ip_id, r.target
        FROM requests_v2 r LEFT JOIN words m ON m.word = r.method LEFT JOIN words p ON p.word = r.protocol;
      INSERT INTO request_details
        SELECT id, forwarded_for, request_line, ident, user_name, vhost, server_port, duration_us, range_header,
          content_range, range_start, range_end, object_size, extra
        FROM requests_v2
        WHERE COALESCE(forwarded_for, request_line, ident, user_name, vhost, server_port, duration_us, range_header,
          content_range, range_start, range_end, object_size, extra) IS NOT NULL;
      INSERT INTO request_hours
        SELECT source_id, time_ms - (((time_ms % 3600000) + 3600000) % 3600000), count(*) FROM requests GROUP BY 1, 2;
      DROP TABLE requests_v2;

      -- How each raw block is compressed: blocks written before version 3 are raw deflate;
      -- newer ones brotli at quality 0 (twice deflate level 1's speed at about its size).
      ALTER TABLE raw_blocks ADD COLUMN codec TEXT NOT NULL DEFAULT 'deflate-raw' CHECK (codec IN ('deflate-raw', 'brotli'));

      -- Requests with their strings joined back, for \`logwitness sql\`.
      CREATE VIEW request_view AS
        SELECT r.id, s.path AS source_path, s.sha256 AS source_sha256, r.line,
               strftime('%Y-%m-%dT%H:%M:%fZ', r.time_ms / 1000.0, 'unixepoch') AS time_utc,
               r.time_ms, r.utc_offset_min, ci.ip AS client_ip, ri.ip AS remote_ip, d.forwarded_for,
               m.word AS method, p.path, COALESCE(r.target, p.path) AS target, pr.word AS protocol, d.request_line,
               r.status, r.bytes, rf.referrer, a.agent AS user_agent, d.ident, d.user_name, d.vhost,
               d.server_port, d.duration_us, d.range_header, d.content_range, d.range_start,
               d.range_end, d.object_size, d.extra
        FROM requests r
        JOIN sources s ON s.id = r.source_id
        JOIN ips ci ON ci.id = r.client_ip_id
        LEFT JOIN ips ri ON ri.id = r.remote_ip_id
        LEFT JOIN words m ON m.id = r.method_id
        LEFT JOIN words pr ON pr.id = r.protocol_id
        LEFT JOIN paths p ON p.id = r.path_id
        LEFT JOIN referrers rf ON rf.id = r.referrer_id
        LEFT JOIN agents a ON a.id = r.agent_id
        LEFT JOIN request_details d ON d.request_id = r.id;
    `,
  },
];

/**
 * Secondary indexes on requests. They are dropped before a large load and rebuilt after it
 * (much faster than maintaining them row by row), so they live here rather than in a
 * migration; {@link ensureRequestIndexes} creates any that are missing.
 */
export const REQUEST_INDEXES: readonly { readonly name: string; readonly sql: string }[] = [
  { name: 'requests_by_path_time', sql: 'CREATE INDEX IF NOT EXISTS requests_by_path_time ON requests (path_id, time_ms)' },
  { name: 'requests_by_client_time', sql: 'CREATE INDEX IF NOT EXISTS requests_by_client_time ON requests (client_ip_id, time_ms)' },
];
