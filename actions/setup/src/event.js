// What the workflow run's event says about trust and branches.
import * as fs from 'node:fs';

function readEvent() {
  const file = process.env.GITHUB_EVENT_PATH;
  if (!file) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Pull requests whose head is in another repository run code the repository's owners have not
 * reviewed: such builds may read caches but never write them. Unreadable payloads count as
 * untrusted.
 */
export function isForkPullRequest() {
  const event = process.env.GITHUB_EVENT_NAME || '';
  if (!event.startsWith('pull_request')) return false;
  try {
    const pr = readEvent().pull_request || {};
    const head = (pr.head && pr.head.repo) || {};
    const base = (pr.base && pr.base.repo) || {};
    if (head.fork === true) return true;
    if (!head.full_name) return true; // the fork was deleted
    return head.full_name !== (base.full_name || process.env.GITHUB_REPOSITORY);
  } catch {
    return true;
  }
}

/** The repository's default branch from the event payload, or '' when it does not say. */
export function defaultBranch() {
  try {
    return (readEvent().repository || {}).default_branch || '';
  } catch {
    return '';
  }
}

/** The branch this run belongs to: the head branch of a pull request, else the pushed ref's name. */
export function currentBranch() {
  return process.env.GITHUB_HEAD_REF || process.env.GITHUB_REF_NAME || '';
}
