// Unit tests of the action's parts that need no runner (npm test); the integration tests run
// the bundles as a runner does.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cCompilerReport, cCompilerVariables, makeMasquerade, masqueradeFolder } from '../src/c-compilers.js';
import { cachePathSpec, larderDir, unsafeToArchive } from '../src/cache-dir.js';
import { cacheKeys } from '../src/cache-key.js';
import { findArchive, normalizeVersion, releaseBase } from '../src/install.js';
import { flagSet, indexNames, prefetchArgs, pushArgs, remoteConfigured, setting, sinceAfter } from '../src/job-edges.js';
import { localWrites } from '../src/larder-cli.js';
import { releaseTarget } from '../src/platform.js';
import { remoteSection } from '../src/summary.js';

const JOB = { format: 'v4', os: 'linux', arch: 'x64', job: 'build', runId: '77', runAttempt: '2' };

test('keys name the format, system, job and branch; restore keys fall back to the default branch', () => {
  const { key, restoreKeys } = cacheKeys({ ...JOB, branch: 'feature/x', defaultBranch: 'main' });
  assert.equal(key, 'larder-v4-linux-x64-build-feature/x-77-2');
  assert.deepEqual(restoreKeys, ['larder-v4-linux-x64-build-feature/x-', 'larder-v4-linux-x64-build-main-']);
  assert.deepEqual(cacheKeys({ ...JOB, branch: 'main', defaultBranch: 'main' }).restoreKeys, ['larder-v4-linux-x64-build-main-']);
  assert.deepEqual(cacheKeys({ ...JOB, branch: 'main', defaultBranch: '' }).restoreKeys, ['larder-v4-linux-x64-build-main-']);
});

test('keys never hold commas (the lookup separates keys with them) and stay short', () => {
  const { key, restoreKeys } = cacheKeys({ ...JOB, extra: 'a, b', branch: `x,${'y'.repeat(600)}`, defaultBranch: 'main' });
  for (const k of [key, ...restoreKeys]) {
    assert.ok(!k.includes(','), k);
    assert.ok(k.length <= 512, k);
  }
  assert.ok(key.startsWith('larder-v4-linux-x64-build-a__b-x_yyy'));
});

test('sha256.sum: the line of this target, with its version', () => {
  const a = 'a'.repeat(64);
  const b = 'B'.repeat(64);
  const sums = `${a}  larder-v1.2.3-aarch64-unknown-linux-musl.tar.gz\n${b} *larder-v1.2.3-rc.1-x86_64-unknown-linux-musl.tar.gz\n`;
  assert.deepEqual(findArchive(sums, 'x86_64-unknown-linux-musl'), {
    sha256: 'b'.repeat(64),
    name: 'larder-v1.2.3-rc.1-x86_64-unknown-linux-musl.tar.gz',
    version: '1.2.3-rc.1',
  });
  assert.equal(findArchive(sums, 'x86_64-apple-darwin'), null);
  assert.equal(findArchive(`${a.slice(1)}  larder-v1-x86_64-unknown-linux-musl.tar.gz`, 'x86_64-unknown-linux-musl'), null);
});

test('versions and release locations', () => {
  assert.equal(normalizeVersion('v0.3.0'), '0.3.0');
  assert.equal(normalizeVersion(''), 'latest');
  assert.throws(() => normalizeVersion('1.0; rm -rf /'), /not a version/);
  assert.equal(releaseBase(''), 'https://github.com/larder-rs/larder/releases');
  assert.equal(releaseBase('https://mirror.example/larder/'), 'https://mirror.example/larder');
  assert.throws(() => releaseBase('http://mirror.example/larder'), /https/);
  assert.throws(() => releaseBase('mirror.example'), /not a URL/);
});

test('release targets exist for Linux x64 and arm64 only', () => {
  assert.equal(releaseTarget('linux', 'x64'), 'x86_64-unknown-linux-musl');
  assert.equal(releaseTarget('linux', 'arm64'), 'aarch64-unknown-linux-musl');
  for (const [platform, arch] of [['darwin', 'arm64'], ['darwin', 'x64'], ['win32', 'x64'], ['linux', 'ia32'], ['linux', 'arm']]) {
    assert.equal(releaseTarget(platform, arch), null);
  }
});

test("larder's folder: where larder puts it, named from ~ for the cache version, never a folder with more in it", () => {
  const home = os.homedir();
  assert.equal(larderDir({}), path.join(home, '.cache', 'larder'));
  assert.equal(larderDir({ XDG_CACHE_HOME: '/x' }), '/x/larder');
  assert.equal(larderDir({ LARDER_DIR: '/y', XDG_CACHE_HOME: '/x' }), '/y');
  assert.equal(cachePathSpec(path.join(home, '.cache', 'larder')), '~/.cache/larder');
  assert.equal(cachePathSpec('/srv/larder'), '/srv/larder');
  const env = { GITHUB_WORKSPACE: '/w/repo', RUNNER_TEMP: '/w/_temp', RUNNER_TOOL_CACHE: '/opt/hostedtoolcache' };
  assert.equal(unsafeToArchive(path.join(home, '.cache', 'larder'), env), '');
  assert.equal(unsafeToArchive('/w/_temp/larder', env), '');
  assert.match(unsafeToArchive(home, env), /home folder/);
  assert.match(unsafeToArchive('/w', env), /workspace/);
  assert.match(unsafeToArchive('/w/repo', env), /workspace/);
  assert.match(unsafeToArchive('/', env), /root/);
});

test("the job's new objects are the local tier's writes", () => {
  assert.equal(localWrites({ storage: [{ name: 'local', writes: 3 }, { name: 's3', writes: 5 }] }), 3);
  assert.equal(localWrites({}), 0);
});

test('index names: repository, job (with the cache-key) and branch, falling back to the default branch', () => {
  const job = { repository: 'acme/app', job: 'build', branch: 'feature/x', defaultBranch: 'main' };
  assert.deepEqual(indexNames(job), ['acme/app/build/feature/x', 'acme/app/build/main']);
  assert.deepEqual(indexNames({ ...job, extra: 'linux-arm64' }), ['acme/app/build-linux-arm64/feature/x', 'acme/app/build-linux-arm64/main']);
  assert.deepEqual(indexNames({ ...job, branch: 'main' }), ['acme/app/build/main']);
  assert.deepEqual(indexNames({ ...job, defaultBranch: '' }), ['acme/app/build/feature/x']);
  assert.deepEqual(indexNames({ ...job, branch: '' }), ['acme/app/build/main']);
  // the index input replaces them all; the push writes its first name
  assert.deepEqual(indexNames({ ...job, override: ' shared/linux\n shared/main  ' }), ['shared/linux', 'shared/main']);
  assert.deepEqual(indexNames({ ...job, override: ' \n ' }), ['acme/app/build/feature/x', 'acme/app/build/main']);
});

test('prefetch and push arguments', () => {
  assert.deepEqual(prefetchArgs(['a b', 'c']), ['cache', 'prefetch', '--index', 'a b', '--index', 'c']);
  assert.deepEqual(pushArgs('a b', '12.345'), ['cache', 'push', '--index', 'a b', '--since', '12.345']);
});

test("the push's --since lies after the end of the prefetch, in the millisecond after it", () => {
  assert.equal(sinceAfter(1700000000123), '1700000000.124');
  assert.equal(sinceAfter(1700000000999.7), '1700000001.000');
});

test('settings as larder reads them: its own name, then the SCCACHE_ and CACHEPOT_ twins', () => {
  assert.equal(remoteConfigured({}), false);
  assert.equal(remoteConfigured({ LARDER_BUCKET: '' }), false);
  assert.equal(remoteConfigured({ LARDER_BUCKET: 'b' }), true);
  assert.equal(remoteConfigured({ SCCACHE_REMOTE: 'redis://127.0.0.1' }), true);
  assert.equal(setting({ SCCACHE_DEFER_UPLOADS: '0' }, 'DEFER_UPLOADS'), '0');
  assert.equal(setting({}, 'DEFER_UPLOADS'), undefined);
  assert.equal(flagSet({ LARDER_READ_ONLY: ' Yes ' }, 'READ_ONLY'), true);
  assert.equal(flagSet({ LARDER_READ_ONLY: '0', SCCACHE_READ_ONLY: '1' }, 'READ_ONLY'), false);
  assert.equal(flagSet({ CACHEPOT_READ_ONLY: 'on' }, 'READ_ONLY'), true);
});

test('the summary shows the prefetch and push reports as printed', () => {
  const section = remoteSection('larder cache prefetch: index a lists 1 objects\n  a fault', 'larder cache push: not run: x');
  assert.match(section, /### larder and remote storage/);
  assert.ok(section.includes('```text\nlarder cache prefetch: index a lists 1 objects\n  a fault\nlarder cache push: not run: x\n```'));
});

test("cache-c: native builds' C and C++ through larder (HOST_CC), unless the job chose its compilers or opted out", () => {
  const links = '/tools/larder/1.2.3/x64/masquerade';
  const all = [['HOST_CC', `${links}/cc`], ['HOST_CXX', `${links}/c++`]];
  assert.equal(masqueradeFolder('/tools/larder/1.2.3/x64/larder'), links);
  const fresh = cCompilerVariables({ PATH: '/usr/bin' }, true, links);
  assert.deepEqual(fresh, { set: all, kept: [] });
  assert.equal(
    cCompilerReport(fresh, true),
    `C and C++ from build scripts compile through larder: HOST_CC=${links}/cc, HOST_CXX=${links}/c++ (links to larder)`,
  );
  // never CC or CXX: the cc crate would use them for every target, a cross build's too; one
  // program path each, so no CC_KNOWN_WRAPPER_CUSTOM
  const names = fresh.set.map(([name]) => name);
  assert.deepEqual(names, ['HOST_CC', 'HOST_CXX']);
  assert.ok(fresh.set.every(([, value]) => !value.includes(' ')), fresh.set);
  // a cross compiler named for its target is more specific than HOST_CC: nothing to keep
  assert.deepEqual(cCompilerVariables({ CC_aarch64_unknown_linux_gnu: 'aarch64-linux-gnu-gcc', TARGET_CC: 'x' }, true, links),
    { set: all, kept: [] });
  // opted out: nothing set, whatever the job has
  assert.deepEqual(cCompilerVariables({}, false, links), { set: [], kept: [] });
  assert.deepEqual(cCompilerVariables({ CC: 'clang' }, false, links), { set: [], kept: [] });
  assert.equal(cCompilerReport({ set: [], kept: [] }, false), 'cache-c: false: the C and C++ compilers are left as they are');
  // the job's own CC (even empty): HOST_CC would override it, so no HOST_CC; C++ still through larder
  const ownCc = cCompilerVariables({ CC: 'clang' }, true, links);
  assert.deepEqual(ownCc, { set: [all[1]], kept: ['CC'] });
  assert.deepEqual(cCompilerVariables({ CC: '' }, true, links), ownCc);
  assert.match(cCompilerReport(ownCc, true), /: HOST_CXX=\/tools\/larder\/1\.2\.3\/x64\/masquerade\/c\+\+ \(links to larder\); kept the job's own CC$/);
  // the job's own HOST_CC or HOST_CXX stays as well
  assert.deepEqual(cCompilerVariables({ HOST_CC: 'gcc-13' }, true, links), { set: [all[1]], kept: ['HOST_CC'] });
  assert.deepEqual(cCompilerVariables({ HOST_CXX: 'g++-13' }, true, links), { set: [all[0]], kept: ['HOST_CXX'] });
  assert.deepEqual(cCompilerVariables({ CXX: 'clang++', CC: 'clang', HOST_CC: 'clang' }, true, links),
    { set: [], kept: ['CC', 'HOST_CC', 'CXX'] });
  const own = cCompilerVariables({ CC: 'gcc-13', CXX: 'g++-13' }, true, links);
  assert.deepEqual(own, { set: [], kept: ['CC', 'CXX'] });
  assert.equal(cCompilerReport(own, true), "kept the job's own CC, CXX");
  // a folder with a blank is shown quoted
  assert.match(cCompilerReport(cCompilerVariables({}, true, '/a b'), true), /HOST_CC="\/a b\/cc"/);
});

test('the masquerade folder holds cc and c++ linked to larder, made again where they point elsewhere', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'larder-masquerade-'));
  try {
    const binary = path.join(root, 'larder');
    fs.writeFileSync(binary, '#!/bin/sh\n', { mode: 0o755 });
    const folder = masqueradeFolder(binary);
    assert.equal(makeMasquerade(binary, folder), folder);
    for (const name of ['cc', 'c++']) assert.equal(fs.readlinkSync(path.join(folder, name)), binary);
    assert.deepEqual(fs.readdirSync(folder).sort(), ['c++', 'cc']);
    // a link to another binary (an older release's), or a file in its place, is replaced
    fs.unlinkSync(path.join(folder, 'cc'));
    fs.symlinkSync(path.join(root, 'older'), path.join(folder, 'cc'));
    fs.unlinkSync(path.join(folder, 'c++'));
    fs.writeFileSync(path.join(folder, 'c++'), 'not a link');
    makeMasquerade(binary, folder);
    for (const name of ['cc', 'c++']) assert.equal(fs.readlinkSync(path.join(folder, name)), binary);
    assert.deepEqual(fs.readdirSync(folder).sort(), ['c++', 'cc']);
    // one that cannot be made throws (main.js then sets no HOST_CC)
    fs.unlinkSync(path.join(folder, 'cc'));
    fs.mkdirSync(path.join(folder, 'cc', 'taken'), { recursive: true });
    assert.throws(() => makeMasquerade(binary, folder));
    assert.deepEqual(fs.readdirSync(folder).sort(), ['c++', 'cc']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
