import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOL_VERSION } from '@logwitness/core';
import { REPO_ROOT, runCli } from './helpers';

describe('version', () => {
  it('the core reports the version in its package.json', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/core/package.json'), 'utf8'));
    assert.equal(TOOL_VERSION, pkg.version);
  });

  it('the CLI prints it', () => {
    const result = runCli(['--version']);
    assert.equal(result.status, 0);
    assert.equal(result.stdout.trim(), TOOL_VERSION);
  });
});
