// Main step of the larder setup action: installs larder, makes it the RUSTC_WRAPPER of the rest
// of the job (and, with cache-c, the C and C++ compiler its build scripts use for this machine),
// and, with no remote storage, restores larder's folder from the Actions cache; with remote
// storage, prefetches what the previous run of the job used and defers the uploads to the post
// step's push.
import * as path from 'node:path';
import * as core from '@actions/core';
import * as actionsCache from './actions-cache.js';
import { folderBytes, larderDir, unsafeToArchive } from './cache-dir.js';
import { cCompilerReport, cCompilerVariables, makeMasquerade, masqueradeFolder } from './c-compilers.js';
import { cacheKeys } from './cache-key.js';
import { currentBranch, defaultBranch } from './event.js';
import { cacheCWanted, cacheInput, parseSettings, prefetchWanted, readOnlyMode } from './inputs.js';
import { installLarder } from './install.js';
import { flagSet, indexNames, prefetchArgs, remoteConfigured, setting, sinceAfter } from './job-edges.js';
import { cacheFormat, runLarder } from './larder-cli.js';
import { releaseTarget } from './platform.js';
import * as state from './state.js';

const STORAGE_INPUTS = [
  ['bucket', 'LARDER_BUCKET'],
  ['region', 'LARDER_REGION'],
  ['endpoint', 'LARDER_ENDPOINT'],
  ['key-prefix', 'LARDER_S3_KEY_PREFIX'],
];

/** Whether this job keeps larder's folder in the Actions cache, and why (for the log). */
function actionsCacheWanted(mode, dir) {
  if (mode === 'none') return { use: false, why: 'cache: none' };
  if (mode === 'auto' && remoteConfigured(process.env)) return { use: false, why: 'remote storage is configured (cache: auto)' };
  const unsafe = unsafeToArchive(dir);
  if (unsafe) return { use: false, why: unsafe };
  // A folder that already holds a cache belongs to a persistent runner: pruning it to this job's
  // objects would take them from the next jobs.
  if (mode === 'auto' && folderBytes(dir) > 0) return { use: false, why: `${dir} already holds a cache (cache: auto)` };
  if (!actionsCache.available()) return { use: false, why: 'the Actions cache service is not available to this job' };
  return { use: true, why: `cache: ${mode}` };
}

async function restoreFromActionsCache(binary, version, dir, noSave, jobStart) {
  const { key, restoreKeys } = cacheKeys({
    format: cacheFormat(binary, version),
    os: process.platform,
    arch: process.arch,
    job: process.env.GITHUB_JOB,
    extra: core.getInput('cache-key'),
    branch: currentBranch(),
    defaultBranch: defaultBranch(),
    runId: process.env.GITHUB_RUN_ID,
    runAttempt: process.env.GITHUB_RUN_ATTEMPT,
  });
  const restore = await core.group(`Restoring ${dir} from the Actions cache`, () =>
    actionsCache.restoreFolder(dir, key, restoreKeys),
  );
  core.info(
    restore.matchedKey
      ? `Restored larder's cache from ${restore.matchedKey} (${restore.bytes} bytes in ${restore.seconds.toFixed(1)} s)`
      : `No archive of larder's cache matched ${[key, ...restoreKeys].join(', ')}: this job starts cold`,
  );
  state.saveActionsCache({ dir, key, jobStart, noSave, restore });
  return restore;
}

/**
 * With remote storage: `larder cache prefetch` of the index the previous run of this job wrote,
 * then LARDER_DEFER_UPLOADS=1 for the rest of the job (unless the job sets it itself, or never
 * pushes because it is read-only). Returns what the post step needs for its push, or null.
 */
function prefetchAtJobStart(binary, wanted, readOnly, why) {
  if (!remoteConfigured(process.env)) return null;
  if (!wanted) {
    core.info('prefetch: false: no prefetch, no deferred uploads and no push (uploads happen inline)');
    return null;
  }
  const names = indexNames({
    override: core.getInput('index'),
    repository: process.env.GITHUB_REPOSITORY,
    job: process.env.GITHUB_JOB,
    extra: core.getInput('cache-key'),
    branch: currentBranch(),
    defaultBranch: defaultBranch(),
  });
  let prefetch;
  try {
    const result = runLarder(binary, prefetchArgs(names));
    prefetch = `${result.stdout}${result.stderr}`.trimEnd();
    if (result.status !== 0) core.warning(`larder cache prefetch failed (exit ${result.status}); the build runs without it`);
  } catch (e) {
    prefetch = `larder cache prefetch: ${e.message}`;
    core.warning(`larder cache prefetch failed: ${e.message}; the build runs without it`);
  }
  core.info(prefetch);
  const edges = { index: names[0], since: sinceAfter(Date.now()), prefetch, noPush: '' };
  if (readOnly || flagSet(process.env, 'READ_ONLY')) {
    edges.noPush = `this job is read-only (${readOnly ? why : 'LARDER_READ_ONLY'})`;
  } else if (setting(process.env, 'DEFER_UPLOADS') !== undefined) {
    core.info('LARDER_DEFER_UPLOADS is set by the job: left as it is');
  } else {
    core.exportVariable('LARDER_DEFER_UPLOADS', '1');
    core.info(`LARDER_DEFER_UPLOADS=1: misses store locally; the post step uploads them and writes the index ${names[0]}`);
  }
  return edges;
}

async function main() {
  // Objects not read or written from now on are pruned before the archive is saved.
  const jobStart = Math.floor(Date.now() / 1000);
  const target = releaseTarget();
  if (!target) {
    core.warning(
      `larder has no build for ${process.platform}/${process.arch} runners (it runs on Linux x64 and arm64): ` +
        'this job builds without larder',
    );
    return;
  }
  const { readOnly, why } = readOnlyMode();
  const settings = parseSettings(core.getInput('settings'));
  const mode = cacheInput();
  const prefetch = prefetchWanted();
  const cacheC = cacheCWanted();

  const installed = await core.group('Installing larder', () =>
    installLarder({ version: core.getInput('version'), baseUrl: core.getInput('base-url'), target }),
  );
  const { binary, version } = installed;
  core.info(`larder ${version} ${installed.fromToolCache ? 'was already in' : 'is now in'} the tool cache: ${binary}`);
  core.addPath(path.dirname(binary));

  // The rest of the job builds through larder.
  core.exportVariable('RUSTC_WRAPPER', binary);
  core.exportVariable('CARGO_INCREMENTAL', '0');
  for (const [input, name] of STORAGE_INPUTS) {
    const value = core.getInput(input);
    if (value) core.exportVariable(name, value);
  }
  if (readOnly) core.exportVariable('LARDER_READ_ONLY', '1');
  for (const [name, value] of settings) core.exportVariable(name, value);
  // After `settings`: a CC, CXX, HOST_CC or HOST_CXX given there is the job's own.
  const links = masqueradeFolder(binary);
  let compilers = cCompilerVariables(process.env, cacheC, links);
  if (compilers.set.length) {
    try {
      makeMasquerade(binary, links);
    } catch (e) {
      core.warning(`cannot link cc and c++ to larder in ${links} (${e.message}): build scripts' C and C++ compile without larder`);
      compilers = { set: [], kept: compilers.kept };
    }
  }
  for (const [name, value] of compilers.set) core.exportVariable(name, value);
  const report = cCompilerReport(compilers, cacheC);
  if (report) core.info(report);

  const dir = larderDir();
  const wanted = actionsCacheWanted(mode, dir);
  let restore = null;
  if (wanted.use) {
    restore = await restoreFromActionsCache(binary, version, dir, readOnly ? why : '', jobStart);
  } else {
    core.info(`The Actions cache does not keep larder's folder in this job: ${wanted.why}`);
  }

  // The summary shows this job's statistics only (also not those of a restored archive).
  const reset = runLarder(binary, ['stats', '--reset']);
  if (reset.status !== 0) core.warning(`larder stats --reset failed: ${reset.stderr.trim()}`);

  // A storage problem never fails a build (larder compiles without the cache), so doctor's
  // findings are shown and warned about, not fatal.
  core.startGroup('larder doctor');
  const doctor = runLarder(binary, ['doctor']);
  core.info(`${doctor.stdout}${doctor.stderr}`.trimEnd());
  core.endGroup();
  if (doctor.status !== 0) {
    core.warning('larder doctor found problems: the build runs, but may miss the cache (see the "larder doctor" group)');
  }

  const edges = prefetchAtJobStart(binary, prefetch, readOnly, why);
  if (edges) state.saveJobEdges(edges);

  state.saveBinary(binary);
  core.setOutput('path', binary);
  core.setOutput('version', version);
  core.setOutput('read-only', readOnly ? 'true' : 'false');
  core.setOutput('cache', restore ? 'github' : 'none');
  core.setOutput('cache-restored-key', restore ? restore.matchedKey : '');
  const storage = core.getInput('bucket') ? `s3://${core.getInput('bucket')}` : restore ? 'the Actions cache' : 'local only';
  core.info(`larder ${version} is the RUSTC_WRAPPER for this job; storage: ${storage}${readOnly ? `, read-only (${why})` : ''}`);
}

main().catch((e) => core.setFailed(`larder setup: ${e.message}`));
