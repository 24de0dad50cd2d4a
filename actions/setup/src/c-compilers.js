// C and C++ compiled by build scripts. The cc crate reads CC and CXX, so CC="larder cc" sends
// those compiles through larder's C and C++ cache (`larder cc ARGS…`). The cc crate 1.1 and
// later split "wrapper compiler" only for wrappers it knows, hence CC_KNOWN_WRAPPER_CUSTOM. A
// compiler the job chose itself is left as it is. Pure functions only: main.js exports them.

export const C_COMPILERS = [
  ['CC', 'larder cc'],
  ['CXX', 'larder c++'],
];
export const KNOWN_WRAPPER = ['CC_KNOWN_WRAPPER_CUSTOM', 'larder'];

/**
 * The variables to export, given the job's environment: { set: [[name, value]…], kept: [names] }.
 * `kept` names what the job set itself (even empty) and stays as it is; nothing is set or kept
 * when `wanted` is false (the `cache-c` input).
 */
export function cCompilerVariables(env, wanted) {
  if (!wanted) return { set: [], kept: [] };
  const own = (name) => env[name] !== undefined;
  const set = C_COMPILERS.filter(([name]) => !own(name));
  const kept = C_COMPILERS.map(([name]) => name).filter(own);
  if (set.length) {
    const [name, value] = KNOWN_WRAPPER;
    if (!own(name)) set.push(KNOWN_WRAPPER);
    else if (env[name] !== value) kept.push(name);
  }
  return { set, kept };
}

/** The one log line that says what was set and what was left as the job set it. */
export function cCompilerReport({ set, kept }, wanted) {
  if (!wanted) return 'cache-c: false: CC and CXX are left as they are';
  const parts = [];
  if (set.length) {
    const shown = set.map(([name, value]) => (value.includes(' ') ? `${name}="${value}"` : `${name}=${value}`));
    parts.push(`C and C++ from build scripts compile through larder: ${shown.join(', ')}`);
  }
  if (kept.length) parts.push(`kept the job's own ${kept.join(', ')}`);
  return parts.join('; ');
}
