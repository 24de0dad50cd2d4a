// Names of the Actions cache entries that hold larder's folder: one per job and run, found
// again by prefix, newest first (the cache service's rule for restore keys).

// Keys may not hold commas and are at most 512 characters.
function part(value) {
  return String(value || '').replace(/[,\s]/g, '_').slice(0, 100) || 'none';
}

/**
 * { key, restoreKeys }: larder-<format>-<os>-<arch>-<job>[-<extra>]-<branch>-<run id>-<attempt>,
 * restored from the newest archive of the branch, then of the default branch.
 */
export function cacheKeys({ format, os, arch, job, extra, branch, defaultBranch, runId, runAttempt }) {
  const prefix = ['larder', format, os, arch, job, ...(extra ? [extra] : [])].map(part).join('-');
  const branchPrefix = `${prefix}-${part(branch)}-`;
  const restoreKeys = [branchPrefix];
  if (defaultBranch && defaultBranch !== branch) restoreKeys.push(`${prefix}-${part(defaultBranch)}-`);
  return { key: `${branchPrefix}${part(runId)}-${part(runAttempt || '1')}`, restoreKeys };
}
