/**
 * An evidence pack round-trips through verify; altering, removing or adding any file fails
 * verify naming that file; signatures hold and fail as they should; re-analysis from the
 * original logs confirms the findings, and a changed log or a forged finding fails.
 */
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { createWriteStream } from 'node:fs';
import { verifyEvidencePack } from '@logwitness/core';
import { runCli } from '../helpers';
import { makeCase, makePack, TARGET, type PackCase } from './pack-helpers';

const EXPECTED_FILES = [
  'downloads.csv', 'events.jsonl', 'evidence-lines.log', 'findings.json', 'limitations.md', 'manifest.json', 'methodology.md',
  'provenance.json', 'report.html', 'sources.csv', 'summary.md', 'timeline.csv',
];

function writeKeys(dir: string, name: string): { privatePath: string; publicPath: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePath = join(dir, `${name}.pem`);
  const publicPath = join(dir, `${name}.pub.pem`);
  writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicPath, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privatePath, publicPath };
}

/** Flip one byte in the middle of a file. */
function alter(path: string): void {
  const data = readFileSync(path);
  data[data.length >> 1] ^= 0x20;
  writeFileSync(path, data);
}

function readZipNames(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: false }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => names.push(entry.fileName));
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
    });
  });
}

function readZipEntry(path: string, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks));
          });
        });
      });
      zip.on('end', () => reject(new Error(`${name} not in ${path}`)));
      zip.readEntry();
    });
  });
}

describe('evidence pack: write and verify', function () {
  this.timeout(60_000);
  let c: PackCase;
  before(async () => {
    c = await makeCase();
  });

  it('writes every file of the pack and verifies intact (CLI: exit 0)', async () => {
    const result = await makePack(c, 'intact');
    assert.deepEqual(readdirSync(result.path).sort(), EXPECTED_FILES);
    assert.equal(result.files.length, EXPECTED_FILES.length - 1, 'the manifest lists every file but itself');
    const cli = runCli(['verify', result.path]);
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /files: 11 of 11 match manifest\.json/);
    assert.match(cli.stdout, /OK: .* is intact/);
  });

  it('names each altered file (every file of the pack, one at a time)', async () => {
    for (const name of EXPECTED_FILES) {
      const { path } = await makePack(c, `altered-${name}`);
      alter(join(path, name));
      const report = await verifyEvidencePack(path);
      assert.equal(report.ok, false, `altering ${name} must fail`);
      assert.ok(report.problems.some((p) => p.file === name), `${name}: ${JSON.stringify(report.problems)}`);
      if (name !== 'manifest.json') {
        assert.deepEqual(report.problems.map((p) => [p.kind, p.file]), [['altered', name]]);
      }
    }
  });

  it('names each removed file and each added file', async () => {
    const { path } = await makePack(c, 'removed');
    rmSync(join(path, 'timeline.csv'));
    rmSync(join(path, 'evidence-lines.log'));
    writeFileSync(join(path, 'notes.txt'), 'added later\n');
    const cli = runCli(['verify', path]);
    assert.equal(cli.status, 1);
    const lines = cli.stdout.split('\n');
    assert.ok(lines.some((l) => /^MISSING: timeline\.csv is missing/.test(l)), cli.stdout);
    assert.ok(lines.some((l) => /^MISSING: evidence-lines\.log is missing/.test(l)), cli.stdout);
    assert.ok(lines.some((l) => /^EXTRA: notes\.txt is not listed/.test(l)), cli.stdout);
    assert.match(cli.stdout, /FAILED: 3 problem\(s\)/);
  });

  it('a pack without manifest.json fails, naming it', async () => {
    const { path } = await makePack(c, 'no-manifest');
    rmSync(join(path, 'manifest.json'));
    const report = await verifyEvidencePack(path);
    assert.equal(report.ok, false);
    assert.deepEqual(report.problems.map((p) => p.file), ['manifest.json']);
  });

  it('a signed pack verifies; a wrong pinned key, a changed manifest or a dropped signature fail', async () => {
    const signer = writeKeys(c.dir, 'signer');
    const other = writeKeys(c.dir, 'other');
    const { path, signerFingerprint } = await makePack(c, 'signed', { signKeyPath: signer.privatePath });
    assert.match(signerFingerprint!, /^[0-9a-f]{64}$/);
    assert.ok(readdirSync(path).includes('manifest.sig') && readdirSync(path).includes('manifest.pub.pem'));

    const good = runCli(['verify', path, '--public-key', signer.publicPath]);
    assert.equal(good.status, 0, good.stdout);
    assert.match(good.stdout, new RegExp(`signature: valid, signer key fingerprint \\(sha256\\) ${signerFingerprint}`));

    const wrong = runCli(['verify', path, '--public-key', other.publicPath]);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stdout, /SIGNATURE: manifest\.pub\.pem holds key [0-9a-f]{64}, not the expected signer/);
    assert.match(wrong.stdout, /SIGNATURE: manifest\.sig is not a valid signature of manifest\.json/);

    // Someone edits a file and recomputes its hash in the manifest: the hashes agree, the signature does not.
    const { path: forged } = await makePack(c, 'signed-forged', { signKeyPath: signer.privatePath });
    const manifestPath = join(forged, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(join(forged, 'summary.md'), 'Nothing happened.\n');
    const { createHash } = await import('node:crypto');
    for (const entry of manifest.files) {
      if (entry.path === 'summary.md') {
        entry.sha256 = createHash('sha256').update('Nothing happened.\n').digest('hex');
        entry.bytes = 18;
      }
    }
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    const forgedReport = await verifyEvidencePack(forged);
    assert.deepEqual(forgedReport.problems.map((p) => [p.kind, p.file]), [['signature', 'manifest.sig']]);

    const { path: unsigned } = await makePack(c, 'signed-dropped', { signKeyPath: signer.privatePath });
    rmSync(join(unsigned, 'manifest.sig'));
    const dropped = await verifyEvidencePack(unsigned, { publicKeyPath: signer.publicPath });
    assert.equal(dropped.ok, false);
    assert.ok(dropped.problems.some((p) => p.file === 'manifest.sig'));

    const plain = await makePack(c, 'unsigned');
    const pinnedUnsigned = await verifyEvidencePack(plain.path, { publicKeyPath: signer.publicPath });
    assert.equal(pinnedUnsigned.ok, false, 'a pinned key demands a signature');
  });

  it('refuses a signing key that is not Ed25519, and never overwrites an existing pack', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPath = join(c.dir, 'rsa.pem');
    writeFileSync(rsaPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await assert.rejects(makePack(c, 'rsa-signed', { signKeyPath: rsaPath }), /is a rsa key; evidence packs are signed with Ed25519/);
    await makePack(c, 'twice');
    await assert.rejects(makePack(c, 'twice'), /already exists and is not empty: evidence packs are never overwritten/);
  });

  it('a zip pack verifies, and a tampered zip names the file', async () => {
    const { path } = await makePack(c, 'handover', { zip: true });
    assert.ok(path.endsWith('handover.zip'));
    const names = await readZipNames(path);
    assert.deepEqual(names.map((n) => n.replace(/^handover\//, '')).sort(), EXPECTED_FILES);
    const cli = runCli(['verify', path]);
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);

    // Rebuild the zip with one file changed and one added.
    const original = await verifyEvidencePack(path);
    assert.equal(original.ok, true);
    const tampered = join(c.dir, 'tampered.zip');
    const zip = new yazl.ZipFile();
    await new Promise<void>((resolve, reject) => {
      yauzl.open(path, { lazyEntries: true }, (error, reader) => {
        if (error) return reject(error);
        reader.on('entry', (entry: yauzl.Entry) => {
          reader.openReadStream(entry, (err, stream) => {
            if (err) return reject(err);
            const chunks: Buffer[] = [];
            stream.on('data', (chunk: Buffer) => chunks.push(chunk));
            stream.on('end', () => {
              let data = Buffer.concat(chunks);
              if (entry.fileName.endsWith('/downloads.csv')) data = Buffer.from(data.toString('utf8').replace('203.0.113.7', '203.0.113.8'));
              zip.addBuffer(data, entry.fileName);
              reader.readEntry();
            });
          });
        });
        reader.on('end', resolve);
        reader.readEntry();
      });
    });
    zip.addBuffer(Buffer.from('extra'), 'handover/readme.txt');
    await new Promise<void>((resolve, reject) => {
      zip.outputStream.pipe(createWriteStream(tampered)).on('close', resolve).on('error', reject);
      zip.end();
    });
    const report = await verifyEvidencePack(tampered);
    assert.deepEqual(report.problems.map((p) => [p.kind, p.file]), [['altered', 'downloads.csv'], ['extra', 'readme.txt']]);
  });

  it('re-analysis from the original logs confirms the findings and every cited line', async () => {
    const { path } = await makePack(c, 'reanalysed', { analysis: { windowMs: 45 * 60_000 } });
    writeFileSync(join(c.logs, 'unrelated.log'), '192.0.2.1 - - [01/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"\n');
    const cli = runCli(['verify', path, '--logs', c.logs]);
    rmSync(join(c.logs, 'unrelated.log'));
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /re-analysis: 1 of 1 original logs found; findings match; 11 cited lines compared/);
    assert.match(cli.stdout, /ignored \(not a source of this pack\): .*unrelated\.log/);
    const provenance = JSON.parse(readFileSync(join(path, 'provenance.json'), 'utf8'));
    assert.equal(provenance.analysisOptions.windowMs, 45 * 60_000);
    assert.equal(provenance.target, TARGET);
  });

  it('re-analysis fails when the log changed, and when a finding was forged under a recomputed manifest', async () => {
    const { path } = await makePack(c, 'log-changed');
    const changedLogs = join(c.dir, 'changed-logs');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(changedLogs);
    copyFileSync(c.logPath, join(changedLogs, 'access.log'));
    appendFileSync(join(changedLogs, 'access.log'), '192.0.2.200 - - [02/Mar/2026:14:00:00 +0000] "GET /admin/export/donors-2026.csv HTTP/1.1" 200 48213 "-" "late"\n');
    const changed = runCli(['verify', path, '--logs', changedLogs]);
    assert.equal(changed.status, 1);
    assert.match(changed.stdout, /SOURCE: original log .*access\.log \(sha256 [0-9a-f]{64}\) was not found among --logs/);

    // A forger changes a download's byte count in findings.json and recomputes the manifest (unsigned pack):
    // the hashes agree, but the original logs do not.
    const { path: forged } = await makePack(c, 'findings-forged');
    const findingsPath = join(forged, 'findings.json');
    const findings = JSON.parse(readFileSync(findingsPath, 'utf8'));
    findings.reproducible.downloads[3].bytes = 48213;
    findings.reproducible.downloads[3].complete = true;
    writeFileSync(findingsPath, JSON.stringify(findings, null, 2) + '\n');
    const manifestPath = join(forged, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const { createHash } = await import('node:crypto');
    const data = readFileSync(findingsPath);
    for (const entry of manifest.files) if (entry.path === 'findings.json') Object.assign(entry, { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length });
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    assert.equal((await verifyEvidencePack(forged)).ok, true, 'hashes alone cannot see it (that is what signing is for)');
    const report = await verifyEvidencePack(forged, { logs: [c.logs] });
    assert.equal(report.ok, false);
    const messages = report.problems.map((p) => p.message).join('\n');
    assert.match(messages, /downloads\[3\]\.bytes: the pack says 48213, the logs give 12000/);
    assert.match(messages, /downloads\[3\]\.complete: the pack says true, the logs give false/);
  });

  it('re-analysis reports unreadable findings or options as problems, not crashes', async () => {
    const { createHash } = await import('node:crypto');
    const rewrite = (pack: string, name: string, data: string): void => {
      writeFileSync(join(pack, name), data);
      const manifestPath = join(pack, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      for (const entry of manifest.files) if (entry.path === name) Object.assign(entry, { sha256: createHash('sha256').update(data).digest('hex'), bytes: Buffer.byteLength(data) });
      writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    };
    const { path: badJson } = await makePack(c, 'bad-findings-json');
    rewrite(badJson, 'findings.json', 'not json');
    const cli = runCli(['verify', badJson, '--logs', c.logPath]);
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stdout, /FINDINGS: cannot re-run the analysis: findings\.json is not a JSON object/);

    const { path: badOptions } = await makePack(c, 'bad-options');
    const provenance = JSON.parse(readFileSync(join(badOptions, 'provenance.json'), 'utf8'));
    provenance.analysisOptions.windowMs = 'forever';
    rewrite(badOptions, 'provenance.json', JSON.stringify(provenance));
    const report = await verifyEvidencePack(badOptions, { logs: [c.logPath] });
    assert.deepEqual(report.problems.map((p) => p.file), ['provenance.json']);
    assert.match(report.problems[0]!.message, /invalid analysis options/);
  });

  it('re-analysis compares evidence-lines.log with the original lines', async () => {
    const { path } = await makePack(c, 'lines-forged');
    const linesPath = join(path, 'evidence-lines.log');
    // Same length, different content: the entry headers still parse, the bytes differ.
    writeFileSync(linesPath, readFileSync(linesPath, 'latin1').replace('"GET /admin/export/donors-2026.csv HTTP/1.1" 206 30000', '"GET /admin/export/donors-2026.csv HTTP/1.1" 206 39000'), 'latin1');
    const manifestPath = join(path, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const { createHash } = await import('node:crypto');
    const data = readFileSync(linesPath);
    for (const entry of manifest.files) if (entry.path === 'evidence-lines.log') Object.assign(entry, { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length });
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    const report = await verifyEvidencePack(path, { logs: [c.logPath] });
    assert.deepEqual(report.problems.map((p) => p.kind), ['evidence-line']);
    assert.match(report.problems[0]!.message, /line 87 of .* differs from the original log/);

    // Dropping a cited line (and recomputing the manifest) is caught too.
    const { path: dropped } = await makePack(c, 'lines-dropped');
    const droppedPath = join(dropped, 'evidence-lines.log');
    const text = readFileSync(droppedPath, 'latin1');
    const entry = /^[0-9a-f]{64} line 128 bytes \d+ file .*\n.*\n/m.exec(text)!;
    writeFileSync(droppedPath, text.replace(entry[0], ''), 'latin1');
    const droppedManifestPath = join(dropped, 'manifest.json');
    const droppedManifest = JSON.parse(readFileSync(droppedManifestPath, 'utf8'));
    const droppedData = readFileSync(droppedPath);
    for (const e of droppedManifest.files) if (e.path === 'evidence-lines.log') Object.assign(e, { sha256: createHash('sha256').update(droppedData).digest('hex'), bytes: droppedData.length });
    writeFileSync(droppedManifestPath, JSON.stringify(droppedManifest, null, 2) + '\n');
    const droppedReport = await verifyEvidencePack(dropped, { logs: [c.logPath] });
    assert.deepEqual(droppedReport.problems.map((p) => p.message.replace(/[0-9a-f]{64}/, 'SHA')), ['evidence-lines.log lacks line 128 of SHA, which the findings cite']);
  });

  it('gives one clear error for a path that is not a pack', () => {
    const missing = runCli(['verify', join(c.dir, 'nope')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /does not exist: give the pack folder or its \.zip file/);
    writeFileSync(join(c.dir, 'not-a.zip'), 'hello');
    const bad = runCli(['verify', join(c.dir, 'not-a.zip')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /is not a readable zip archive/);
  });
});

describe('evidence pack: end to end through the CLI', function () {
  this.timeout(60_000);

  it('pack --zip --sign-key records the exact command line; verify --public-key --logs passes', async () => {
    const c = await makeCase();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(c.dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(c.dir, 'key.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const args = ['pack', TARGET, '--case', 'case.sqlite', '--out', 'handover', '--zip', '--examiner', 'A. Analyst', '--case-ref', 'INC 1234', '--sign-key', 'key.pem', '--window', '45m', '--tz', 'Europe/Paris'];
    const packed = runCli(args, { cwd: c.dir });
    assert.equal(packed.status, 0, packed.stderr);
    assert.match(packed.stdout, /Evidence pack written: handover\.zip/);
    assert.match(packed.stdout, /signed; signer key fingerprint \(sha256\) [0-9a-f]{64}/);
    const verified = runCli(['verify', 'handover.zip', '--public-key', 'key.pub.pem', '--logs', 'logs'], { cwd: c.dir });
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /findings match/);

    const json = JSON.parse(runCli(['verify', 'handover.zip', '--json'], { cwd: c.dir }).stdout);
    assert.equal(json.ok, true);
    assert.equal(json.filesMatched, 11);
    const provenance = JSON.parse((await readZipEntry(join(c.dir, 'handover.zip'), 'handover/provenance.json')).toString('utf8'));
    assert.deepEqual(provenance.commandLine, args);
    assert.equal(provenance.workingDirectory, c.dir);
    assert.equal(provenance.examiner, 'A. Analyst');
    assert.equal(provenance.caseRef, 'INC 1234');
    assert.equal(provenance.timeZones.display, 'Europe/Paris');
    assert.equal(provenance.analysisOptions.windowMs, 45 * 60_000);
    assert.equal(provenance.tool.name, 'logwitness');
  });

  it('a target with no requests gives a verifiable pack that says nothing was found', async () => {
    const c = await makeCase();
    const result = runCli(['pack', '/no/such/file.csv', '--case', c.casePath, '--out', join(c.dir, 'empty')]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /warning: the case holds no request for \/no\/such\/file\.csv/);
    assert.match(readFileSync(join(c.dir, 'empty', 'summary.md'), 'utf8'), /No request for \/no\/such\/file\.csv was found/);
    assert.equal(readFileSync(join(c.dir, 'empty', 'events.jsonl'), 'utf8'), '');
    const verified = runCli(['verify', join(c.dir, 'empty'), '--logs', c.logs]);
    assert.equal(verified.status, 0, verified.stdout);
  });
});
