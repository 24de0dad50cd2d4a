// larder's folder in the GitHub Actions cache: restored by the main step, saved by the post step.
// Failures are warnings: without the archive the job still builds, only with fewer hits.
import * as core from '@actions/core';
import * as cache from '@actions/cache';
import { cachePathSpec, folderBytes } from './cache-dir.js';

function seconds(since) {
  return (Date.now() - since) / 1000;
}

/** Restores `dir`; returns { matchedKey, bytes, seconds } (matchedKey '' when nothing matched). */
export async function restoreFolder(dir, key, restoreKeys) {
  const started = Date.now();
  let matchedKey = '';
  try {
    matchedKey = (await cache.restoreCache([cachePathSpec(dir)], key, restoreKeys)) || '';
  } catch (e) {
    core.warning(`restoring larder's cache from the Actions cache failed: ${e.message}`);
  }
  return { matchedKey, bytes: matchedKey ? folderBytes(dir) : 0, seconds: seconds(started) };
}

/**
 * Saves `dir` under `key`; returns { saved, bytes, seconds }. saveCache reports a failed upload
 * only as a warning in the log, so the entry is looked up afterwards to know it was saved.
 */
export async function saveFolder(dir, key) {
  const started = Date.now();
  const paths = [cachePathSpec(dir)];
  let saved = false;
  try {
    if ((await cache.saveCache(paths, key)) !== -1) {
      saved = (await cache.restoreCache(paths, key, [], { lookupOnly: true })) === key;
    }
  } catch (e) {
    core.warning(`saving larder's cache to the Actions cache failed: ${e.message}`);
  }
  return { saved, bytes: saved ? folderBytes(dir) : 0, seconds: seconds(started) };
}

export function available() {
  return cache.isFeatureAvailable();
}
