// Runs the installed larder binary for the action's own needs (stats, trim, doctor).
import { spawnSync } from 'node:child_process';

export function runLarder(binary, args) {
  const result = spawnSync(binary, args, { env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout || '', stderr: result.stderr || '' };
}

/** Runs larder and returns its standard output; a non-zero exit is an error naming the command. */
export function larderOutput(binary, args) {
  const result = runLarder(binary, args);
  if (result.status !== 0) throw new Error(`larder ${args.join(' ')}: ${result.stderr.trim() || `exit ${result.status}`}`);
  return result.stdout;
}

export function statsJson(binary) {
  return JSON.parse(larderOutput(binary, ['stats', '--format', 'json']));
}

/** Objects the job wrote to the local folder (the "local" tier of the statistics). */
export function localWrites(stats) {
  return (stats.storage || [])
    .filter((tier) => tier.name === 'local')
    .reduce((total, tier) => total + Number(tier.writes || 0), 0);
}

/**
 * The cache format of the binary's objects: archives of another format are useless to it. Read
 * from the statistics when the binary reports it, else the binary's version stands in for it.
 */
export function cacheFormat(binary, version) {
  try {
    const stats = statsJson(binary);
    if (stats.cache_format !== undefined) return `v${stats.cache_format}`;
  } catch {
    // the version stands in below
  }
  return version;
}
