// Post step of the larder setup action (runs unless the job was cancelled, see action.yml's
// post-if): with remote storage, pushes the job's deferred uploads and the index of what it used;
// prunes larder's folder to what the job used and saves it to the Actions cache when the job
// wrote new objects; then writes the hit statistics to the job summary. It never fails the job.
import * as core from '@actions/core';
import * as actionsCache from './actions-cache.js';
import { summaryWanted } from './inputs.js';
import { pushArgs } from './job-edges.js';
import { larderOutput, localWrites, runLarder, statsJson } from './larder-cli.js';
import * as state from './state.js';
import { archiveTable, noticeLine, remoteSection } from './summary.js';

/** `larder cache push` of what the main step's prefetch set up; returns its report for the summary. */
function pushAtJobEnd(binary, edges) {
  let report;
  if (edges.noPush) {
    report = `larder cache push: not run: ${edges.noPush}`;
  } else {
    try {
      const result = runLarder(binary, pushArgs(edges.index, edges.since));
      report = `${result.stdout}${result.stderr}`.trimEnd();
      if (result.status !== 0) core.warning(`larder cache push failed (exit ${result.status}); the next run misses what this one compiled`);
    } catch (e) {
      report = `larder cache push: ${e.message}`;
      core.warning(`larder cache push failed: ${e.message}; the next run misses what this one compiled`);
    }
  }
  core.info(report);
  return report;
}

/** Prunes and saves larder's folder when that is useful; returns { saved, bytes, seconds, why, trimOutput }. */
async function saveToActionsCache(binary, cacheState, stats) {
  if (cacheState.noSave) return { saved: false, why: `this job is read-only (${cacheState.noSave})` };
  if (!stats) return { saved: false, why: "larder's statistics are unreadable" };
  if (localWrites(stats) === 0) return { saved: false, why: 'the job wrote no new objects' };

  const trim = runLarder(binary, ['cache', 'trim', '--unused-since', String(cacheState.jobStart)]);
  if (trim.status === 0) {
    core.info(trim.stdout.trimEnd());
  } else {
    core.warning(`larder cache trim --unused-since failed, the archive keeps unused objects: ${trim.stderr.trim()}`);
  }
  const save = await core.group(`Saving ${cacheState.dir} to the Actions cache as ${cacheState.key}`, () =>
    actionsCache.saveFolder(cacheState.dir, cacheState.key),
  );
  return { ...save, why: save.saved ? '' : 'the Actions cache refused it (see the log)', trimOutput: trim.status === 0 ? trim.stdout : '' };
}

async function post() {
  const binary = state.binary();
  if (!binary) {
    core.info('larder was not set up in this job: nothing to do');
    return;
  }
  const edges = state.jobEdges();
  const pushed = edges ? pushAtJobEnd(binary, edges) : '';
  let stats = null;
  try {
    stats = statsJson(binary);
  } catch (e) {
    core.warning(`larder statistics unavailable: ${e.message}`);
  }
  const cacheState = state.actionsCache();
  const save = cacheState ? await saveToActionsCache(binary, cacheState, stats) : null;
  if (save && !save.saved) core.info(`larder's cache was not saved to the Actions cache: ${save.why}`);

  if (!summaryWanted()) return;
  let markdown = cacheState ? archiveTable(cacheState, save, save.trimOutput) : '';
  try {
    markdown += larderOutput(binary, ['stats', '--format', 'markdown']);
  } catch (e) {
    core.warning(`larder statistics unavailable: ${e.message}`);
  }
  if (edges) markdown += remoteSection(edges.prefetch, pushed);
  if (markdown) {
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
    else core.info(markdown);
  }
  if (stats) core.notice(noticeLine(stats), { title: 'larder cache' });
}

post().catch((e) => core.warning(`larder post step: ${e.message}`));
