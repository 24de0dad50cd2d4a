// Main step of the larder setup action: installs larder with scripts/install.sh (the same
// installer as `curl | sh`), exports RUSTC_WRAPPER, CARGO_INCREMENTAL=0 and the LARDER_*
// settings for the rest of the job, and resets the hit statistics.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const runner = require('./runner');

const INSTALLER = path.join(__dirname, '..', '..', 'scripts', 'install.sh');
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Pull requests whose head is in another repository run code the repository's owners have not
// reviewed: such builds may read the shared cache but never write to it.
function isForkPullRequest() {
  const event = process.env.GITHUB_EVENT_NAME || '';
  if (!event.startsWith('pull_request')) return false;
  try {
    const payload = JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8'));
    const pr = payload.pull_request || {};
    const head = (pr.head && pr.head.repo) || {};
    const base = (pr.base && pr.base.repo) || {};
    if (head.fork === true) return true;
    if (!head.full_name) return true; // the fork was deleted: treat as untrusted
    return head.full_name !== (base.full_name || process.env.GITHUB_REPOSITORY);
  } catch (e) {
    runner.warning(`cannot read the event payload (${e.message}); treating this pull request as untrusted`, 'larder');
    return true;
  }
}

function readOnlyMode() {
  const value = runner.input('read-only', 'auto').toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return { readOnly: true, why: 'read-only: true' };
  if (['false', '0', 'no', 'off'].includes(value)) return { readOnly: false, why: 'read-only: false' };
  if (value !== 'auto' && value !== '') throw new Error(`read-only must be true, false or auto, not "${value}"`);
  return isForkPullRequest()
    ? { readOnly: true, why: 'a pull request from a fork (read-only: auto)' }
    : { readOnly: false, why: 'read-only: auto' };
}

function parseSettings(text) {
  const settings = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = eq < 0 ? '' : line.slice(0, eq).trim();
    if (!NAME.test(name)) throw new Error(`settings: "${line}" is not NAME=value`);
    settings.push([name, line.slice(eq + 1).trim()]);
  }
  return settings;
}

function defaultInstallDir() {
  if (process.env.RUNNER_TOOL_CACHE) {
    return path.join(process.env.RUNNER_TOOL_CACHE, 'larder', 'bin');
  }
  return path.join(os.homedir(), '.local', 'bin');
}

function run(file, args, env) {
  return spawnSync(file, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function main() {
  if (process.platform === 'win32') {
    throw new Error('larder runs on Linux and macOS runners; this is a Windows runner');
  }
  const version = runner.input('version', 'latest') || 'latest';
  const installDir = path.resolve(runner.input('install-dir') || defaultInstallDir());
  const { readOnly, why } = readOnlyMode();
  const settings = parseSettings(runner.input('settings'));

  if (!fs.existsSync(INSTALLER)) throw new Error(`the installer is missing: ${INSTALLER}`);
  const installEnv = { ...process.env, LARDER_VERSION: version, LARDER_INSTALL_DIR: installDir };
  const baseUrl = runner.input('base-url');
  if (baseUrl) installEnv.LARDER_BASE_URL = baseUrl;
  runner.startGroup(`Installing larder ${version}`);
  const install = spawnSync('sh', [INSTALLER], { env: installEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  runner.endGroup();
  if (install.status !== 0) {
    throw new Error(`installing larder ${version} failed (see the log above)`);
  }
  const binary = path.join(installDir, 'larder');
  runner.addPath(installDir);

  const versionRun = run(binary, ['--version'], process.env);
  const installed = (versionRun.stdout || '').split(/\s+/)[1] || version;

  // The rest of the job builds through larder.
  runner.exportVariable('RUSTC_WRAPPER', binary);
  runner.exportVariable('CARGO_INCREMENTAL', '0');
  const storage = [
    ['LARDER_BUCKET', runner.input('bucket')],
    ['LARDER_REGION', runner.input('region')],
    ['LARDER_ENDPOINT', runner.input('endpoint')],
    ['LARDER_S3_KEY_PREFIX', runner.input('key-prefix')],
  ];
  for (const [name, value] of storage) {
    if (value) runner.exportVariable(name, value);
  }
  if (readOnly) runner.exportVariable('LARDER_READ_ONLY', '1');
  for (const [name, value] of settings) runner.exportVariable(name, value);

  const reset = run(binary, ['stats', '--reset'], process.env);
  if (reset.status !== 0) {
    runner.warning(`larder stats --reset failed: ${(reset.stderr || '').trim()}`, 'larder');
  }

  // A storage problem never fails a build (larder compiles without the cache), so doctor's
  // findings are shown and warned about, not fatal.
  runner.startGroup('larder doctor');
  const doctor = run(binary, ['doctor'], process.env);
  runner.info(`${doctor.stdout || ''}${doctor.stderr || ''}`.trimEnd());
  runner.endGroup();
  if (doctor.status !== 0) {
    runner.warning('larder doctor found problems: the build runs, but may miss the cache (see the "larder doctor" group)', 'larder');
  }

  runner.saveState('larder_path', binary);
  runner.setOutput('path', binary);
  runner.setOutput('version', installed);
  runner.setOutput('read-only', readOnly ? 'true' : 'false');
  const bucket = runner.input('bucket');
  runner.info(
    `larder ${installed} is the RUSTC_WRAPPER for this job; storage: ${bucket ? `s3://${bucket}` : 'local only'}` +
      `${readOnly ? `, read-only (${why})` : ''}`,
  );
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    runner.setFailed(`larder setup: ${e.message}`);
  }
}

module.exports = { readOnlyMode, parseSettings };
