// C and C++ compiled by build scripts. The cc crate takes the compiler from CC_<target>, then
// HOST_CC when it builds for the machine it runs on (TARGET_CC when cross-compiling), then CC;
// the same for CXX. HOST_CC therefore sends native builds' C through larder's C and C++ cache
// while a cross build (`cargo build --target …`) keeps the compiler the cc crate picks for its
// target: a plain CC would replace that with the host's cc. HOST_CC would override a CC the job
// chose, so a job with its own CC or HOST_CC gets no HOST_CC (the same for CXX).
//
// HOST_CC and HOST_CXX name links to larder called cc and c++ (a masquerade: larder run through a
// link named after a compiler acts as that compiler, runs the real one it finds in PATH and
// caches the call), in a folder beside the binary that is not on PATH. One program path works
// for every consumer: "larder cc" works only where it is split into a program and an argument,
// and the cmake crate hands cmake the program alone: from a cc crate that leaves the two words
// whole, a bare `larder`, which cmake then runs as `larder -D… -c file.c`. A single path needs
// no CC_KNOWN_WRAPPER_CUSTOM either: that only tells the cc crate how to split "wrapper compiler".
import * as fs from 'node:fs';
import * as path from 'node:path';

/** [variable set, the link it names, the job's variables that make larder leave it unset]. */
export const C_COMPILERS = [
  ['HOST_CC', 'cc', ['CC', 'HOST_CC']],
  ['HOST_CXX', 'c++', ['CXX', 'HOST_CXX']],
];

/** The folder of the links: beside the binary (the tool cache's, kept for the whole job), not on PATH. */
export function masqueradeFolder(binary) {
  return path.join(path.dirname(binary), 'masquerade');
}

/**
 * The variables to export, given the job's environment and the links' folder:
 * { set: [[name, value]…], kept: [names] }. `kept` names what the job set itself (even empty)
 * that made larder leave a compiler alone; nothing is set or kept when `wanted` is false (the
 * `cache-c` input).
 */
export function cCompilerVariables(env, wanted, folder) {
  if (!wanted) return { set: [], kept: [] };
  const set = [];
  const kept = [];
  for (const [name, link, owners] of C_COMPILERS) {
    const owned = owners.filter((owner) => env[owner] !== undefined);
    if (owned.length) kept.push(...owned);
    else set.push([name, path.join(folder, link)]);
  }
  return { set, kept };
}

/**
 * Makes `folder` hold the links cc and c++ to `binary`. A link that already points there stays
 * (a self-hosted runner's tool cache keeps them from job to job); any other is replaced by a
 * rename, so a job running beside this one never finds the link missing. Throws when it cannot.
 */
export function makeMasquerade(binary, folder) {
  fs.mkdirSync(folder, { recursive: true });
  for (const [, link] of C_COMPILERS) {
    const file = path.join(folder, link);
    let target = null;
    try {
      target = fs.readlinkSync(file);
    } catch {
      // missing, or not a link: replaced below
    }
    if (target === binary) continue;
    const temp = `${file}.${process.pid}.tmp`;
    fs.rmSync(temp, { force: true });
    fs.symlinkSync(binary, temp);
    try {
      fs.renameSync(temp, file);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  return folder;
}

/** The one log line that says what was set and what was left as the job set it. */
export function cCompilerReport({ set, kept }, wanted) {
  if (!wanted) return 'cache-c: false: the C and C++ compilers are left as they are';
  const parts = [];
  if (set.length) {
    const shown = set.map(([name, value]) => (value.includes(' ') ? `${name}="${value}"` : `${name}=${value}`));
    parts.push(`C and C++ from build scripts compile through larder: ${shown.join(', ')} (links to larder)`);
  }
  if (kept.length) parts.push(`kept the job's own ${kept.join(', ')}`);
  return parts.join('; ');
}
