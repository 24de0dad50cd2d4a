// Where larder keeps its local cache (LARDER_DIR), as larder itself resolves it, and whether that
// folder is safe to archive.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** LARDER_DIR, else $XDG_CACHE_HOME/larder, else ~/.cache/larder (docs/configuration.md). */
export function larderDir(env = process.env) {
  if (env.LARDER_DIR) return path.resolve(env.LARDER_DIR);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'larder');
  return path.join(os.homedir(), '.cache', 'larder');
}

function inside(child, parent) {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Why `dir` must not go into an archive, or '' when it may. LARDER_DIR holds objects, statistics
 * and memo files only; a LARDER_DIR that is (or holds) the home folder, the checkout or the
 * runner's folders would carry credentials and sources into every later job.
 */
export function unsafeToArchive(dir, env = process.env) {
  const guarded = [
    ['the file system root', path.parse(dir).root],
    ['the home folder', os.homedir()],
    ['the workspace', env.GITHUB_WORKSPACE],
    ['the runner temp folder', env.RUNNER_TEMP],
    ['the tool cache', env.RUNNER_TOOL_CACHE],
  ];
  for (const [what, folder] of guarded) {
    if (folder && inside(path.resolve(folder), dir)) return `LARDER_DIR (${dir}) is or holds ${what}`;
  }
  return '';
}

/**
 * The path as the cache service sees it: @actions/cache hashes the path strings into the entry's
 * version, so a folder under the home folder is named from ~ and two runners with different home
 * folders still share entries.
 */
export function cachePathSpec(dir) {
  const home = os.homedir();
  if (inside(dir, home) && dir !== home) return `~/${path.relative(home, dir).split(path.sep).join('/')}`;
  return dir;
}

/** Bytes of the regular files under `dir` (0 when it does not exist). */
export function folderBytes(dir) {
  let total = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}
