// Post step of the larder setup action: the job's hit statistics into the job summary (a table
// and a pie chart, from `larder stats --format markdown`) and a one-line notice. It never fails
// the job.
'use strict';

const { spawnSync } = require('child_process');
const runner = require('./runner');

function stats(binary, format) {
  const result = spawnSync(binary, ['stats', '--format', format], { env: process.env, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`larder stats --format ${format}: ${(result.stderr || '').trim()}`);
  return result.stdout;
}

function sum(object) {
  return Object.values(object || {}).reduce((total, n) => total + Number(n || 0), 0);
}

function noticeLine(s) {
  const notCached = sum(s.not_cached);
  const errors = sum(s.cache_errors);
  const rate = (Number(s.hit_rate || 0) * 100).toFixed(1);
  let line = `larder: ${rate} % hit rate (${s.cache_hits} hits, ${s.cache_misses} misses, ${notCached} not cached`;
  if (errors) line += `, ${errors} cache errors`;
  line += `), ${Number(s.saved_seconds || 0).toFixed(1)} s of compiling saved`;
  return line;
}

function post() {
  const binary = runner.getState('larder_path');
  if (!binary) {
    runner.info('larder was not set up in this job: no statistics to show');
    return;
  }
  if (runner.input('summary', 'true').toLowerCase() === 'false') return;
  const json = JSON.parse(stats(binary, 'json'));
  const markdown = stats(binary, 'markdown');
  if (!runner.appendSummary(markdown)) runner.info(markdown);
  runner.notice(noticeLine(json), 'larder cache');
}

try {
  post();
} catch (e) {
  runner.warning(`larder statistics unavailable: ${e.message}`, 'larder');
}
