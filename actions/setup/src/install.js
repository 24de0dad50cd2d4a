// Installs a larder release into the runner's tool cache (larder/<version>/<arch>, so versions
// never overwrite each other on a self-hosted runner): the release's sha256.sum names the archive
// for this target, the archive is downloaded over https and checked against it, then unpacked.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';

export const DEFAULT_BASE_URL = 'https://github.com/larder-rs/larder/releases';
const TOOL = 'larder';

/** "v1.2.3" and "1.2.3" name the same release; "latest" (or empty) the newest one. */
export function normalizeVersion(input) {
  const version = (input || 'latest').trim().replace(/^v/, '');
  if (version === 'latest') return version;
  if (!/^[0-9A-Za-z.+-]+$/.test(version)) throw new Error(`version "${input}" is not a version: use e.g. 1.2.3 or latest`);
  return version;
}

/** The release location; only https is accepted, the archive's checksum comes from there too. */
export function releaseBase(input) {
  const base = (input || DEFAULT_BASE_URL).replace(/\/+$/, '');
  let url;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`base-url "${base}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`base-url must be an https URL, not "${base}"`);
  return base;
}

/** The "<sha256>  larder-v<version>-<target>.tar.gz" line of sha256.sum for this target. */
export function findArchive(sums, target) {
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^([0-9a-fA-F]{64}) [ *](larder-v(.+)-${escaped}\\.tar\\.gz)$`);
  for (const line of sums.split(/\r?\n/)) {
    const match = pattern.exec(line.trim());
    if (match) return { sha256: match[1].toLowerCase(), name: match[2], version: match[3] };
  }
  return null;
}

function sha256Of(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Returns { binary, version, fromToolCache } for the wanted version, downloading it only when the
 * tool cache does not hold it yet.
 */
export async function installLarder({ version: wanted, baseUrl, target }) {
  const version = normalizeVersion(wanted);
  const base = releaseBase(baseUrl);
  if (version !== 'latest') {
    const cached = tc.find(TOOL, version);
    if (cached) return { binary: path.join(cached, 'larder'), version, fromToolCache: true };
  }

  const folder = version === 'latest' ? `${base}/latest/download` : `${base}/download/v${version}`;
  const sums = fs.readFileSync(await tc.downloadTool(`${folder}/sha256.sum`), 'utf8');
  const archive = findArchive(sums, target);
  if (!archive) throw new Error(`the release at ${folder} has no archive for ${target}`);
  if (version !== 'latest' && archive.version !== version) {
    throw new Error(`${folder}/sha256.sum names ${archive.name}, not version ${version}`);
  }
  if (version === 'latest') {
    const cached = tc.find(TOOL, archive.version);
    if (cached) return { binary: path.join(cached, 'larder'), version: archive.version, fromToolCache: true };
  }

  const url = `${base}/download/v${archive.version}/${archive.name}`;
  core.info(`Downloading ${url}`);
  const file = await tc.downloadTool(url);
  const actual = sha256Of(file);
  if (actual !== archive.sha256) {
    throw new Error(
      `checksum mismatch for ${archive.name}: expected ${archive.sha256} (sha256.sum), got ${actual}; ` +
        'the download is corrupt or was tampered with, nothing was installed',
    );
  }
  const unpacked = await tc.extractTar(file);
  if (!fs.existsSync(path.join(unpacked, 'larder'))) throw new Error(`${archive.name} holds no larder binary`);
  const cached = await tc.cacheDir(unpacked, TOOL, archive.version);
  return { binary: path.join(cached, 'larder'), version: archive.version, fromToolCache: false };
}
