// C and C++ compiled by build scripts. The cc crate takes the compiler from CC_<target>, then
// HOST_CC when it builds for the machine it runs on (TARGET_CC when cross-compiling), then CC;
// the same for CXX. HOST_CC="larder cc" therefore sends native builds' C through larder's C and
// C++ cache (`larder cc ARGS…`) while a cross build (`cargo build --target …`) keeps the
// compiler the cc crate picks for its target: a plain CC would replace that with the host's cc.
// The cc crate 1.1 and later split "wrapper compiler" only for wrappers it knows, hence
// CC_KNOWN_WRAPPER_CUSTOM. HOST_CC would override a CC the job chose, so a job with its own CC
// or HOST_CC gets no HOST_CC (the same for CXX). Pure functions only: main.js exports them.

/** [variable set, its value, the job's variables that make larder leave it unset]. */
export const C_COMPILERS = [
  ['HOST_CC', 'larder cc', ['CC', 'HOST_CC']],
  ['HOST_CXX', 'larder c++', ['CXX', 'HOST_CXX']],
];
export const KNOWN_WRAPPER = ['CC_KNOWN_WRAPPER_CUSTOM', 'larder'];

/**
 * The variables to export, given the job's environment: { set: [[name, value]…], kept: [names] }.
 * `kept` names what the job set itself (even empty) that made larder leave a compiler alone,
 * or a CC_KNOWN_WRAPPER_CUSTOM naming another wrapper; nothing is set or kept when `wanted` is
 * false (the `cache-c` input).
 */
export function cCompilerVariables(env, wanted) {
  if (!wanted) return { set: [], kept: [] };
  const own = (name) => env[name] !== undefined;
  const set = [];
  const kept = [];
  for (const [name, value, owners] of C_COMPILERS) {
    const owned = owners.filter(own);
    if (owned.length) kept.push(...owned);
    else set.push([name, value]);
  }
  if (set.length) {
    const [name, value] = KNOWN_WRAPPER;
    if (!own(name)) set.push(KNOWN_WRAPPER);
    else if (env[name] !== value) kept.push(name);
  }
  return { set, kept };
}

/** The one log line that says what was set and what was left as the job set it. */
export function cCompilerReport({ set, kept }, wanted) {
  if (!wanted) return 'cache-c: false: the C and C++ compilers are left as they are';
  const parts = [];
  if (set.length) {
    const shown = set.map(([name, value]) => (value.includes(' ') ? `${name}="${value}"` : `${name}=${value}`));
    parts.push(`C and C++ from build scripts compile through larder: ${shown.join(', ')}`);
  }
  if (kept.length) parts.push(`kept the job's own ${kept.join(', ')}`);
  return parts.join('; ');
}
