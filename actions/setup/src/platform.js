// Which release archive fits this runner. larder publishes static Linux builds for x86_64 and
// aarch64 only (packaging/release.sh, release.yml); anywhere else the job builds without it.
const TARGETS = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
};

/** The release target for this runner, or null when larder publishes no archive for it. */
export function releaseTarget(platform = process.platform, arch = process.arch) {
  return TARGETS[`${platform}-${arch}`] ?? null;
}
