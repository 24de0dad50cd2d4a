// Remote storage at the job's edges (docs/design.md, "Remote requests, prefetch and deferred
// uploads"): the main step runs `larder cache prefetch`, which fetches what the previous run of
// this job used into the local cache, and sets LARDER_DEFER_UPLOADS=1 so that misses never wait
// for an upload; the post step runs `larder cache push`, which uploads them and writes the index
// the next run prefetches. Pure functions only: main.js and post.js run the commands.

const TWINS = ['LARDER', 'SCCACHE', 'CACHEPOT'];

/** larder's setting LARDER_<suffix> as larder reads it: its own name first, then the twins. */
export function setting(env, suffix) {
  for (const prefix of TWINS) {
    const value = env[`${prefix}_${suffix}`];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A flag as larder parses it: 1, true, yes, on (any case) are set. */
export function flagSet(env, suffix) {
  return ['1', 'true', 'yes', 'on'].includes(String(setting(env, suffix) ?? '').trim().toLowerCase());
}

/** Remote storage is configured: a bucket or LARDER_REMOTE (or their twins). */
export function remoteConfigured(env) {
  return Boolean(setting(env, 'BUCKET') || setting(env, 'REMOTE'));
}

/**
 * The index names, the first one written by the push and all read in order by the prefetch:
 * the `index` input's names (separated by blanks) when given, else
 * <repository>/<job>[-<cache-key>]/<branch>, falling back to the default branch's.
 */
export function indexNames({ override, repository, job, extra, branch, defaultBranch }) {
  const given = String(override || '').split(/\s+/).filter(Boolean);
  if (given.length) return given;
  const prefix = `${repository}/${job}${extra ? `-${extra}` : ''}`;
  const own = branch || defaultBranch || 'unknown';
  const names = [`${prefix}/${own}`];
  if (defaultBranch && defaultBranch !== own) names.push(`${prefix}/${defaultBranch}`);
  return names;
}

export function prefetchArgs(names) {
  return ['cache', 'prefetch', ...names.flatMap((name) => ['--index', name])];
}

export function pushArgs(name, since) {
  return ['cache', 'push', '--index', name, '--since', since];
}

/**
 * The push's --since: Unix seconds just after `nowMs`, the end of the prefetch. Objects the
 * prefetch stored lie before it; those the build reads or writes afterwards lie after it.
 */
export function sinceAfter(nowMs) {
  return ((Math.floor(nowMs) + 1) / 1000).toFixed(3);
}
