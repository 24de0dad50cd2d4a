// What the main step hands to the post step (the runner carries it as STATE_* variables).
import * as core from '@actions/core';

const BINARY = 'larder_path';
const ACTIONS_CACHE = 'actions_cache';
const JOB_EDGES = 'job_edges';

export function saveBinary(binary) {
  core.saveState(BINARY, binary);
}

export function binary() {
  return core.getState(BINARY);
}

/** { dir, key, jobStart, noSave, restore: { matchedKey, bytes, seconds } } */
export function saveActionsCache(value) {
  core.saveState(ACTIONS_CACHE, JSON.stringify(value));
}

export function actionsCache() {
  const text = core.getState(ACTIONS_CACHE);
  return text ? JSON.parse(text) : null;
}

/** { index, since, prefetch, noPush }: the push's index and --since, the prefetch's report, why no push ('' to push). */
export function saveJobEdges(value) {
  core.saveState(JOB_EDGES, JSON.stringify(value));
}

export function jobEdges() {
  const text = core.getState(JOB_EDGES);
  return text ? JSON.parse(text) : null;
}
