"""The S3 tier against @20minutes/s3rver on loopback (it verifies SigV4 signatures): builds hit
from S3 with an empty local tier, explained failures, read-only mode, key prefixes with
characters that need encoding, both addressing styles, and AWS CLI interoperability."""
import shutil

import pytest

import larder_objects as lo
from conftest import write_tree
from s3_support import S3Server, aws_cli, larder_s3_env, s3rver_available

pytestmark = pytest.mark.skipif(not s3rver_available(), reason="s3rver is not installed (scripts/install-deps.sh)")

# Spaces, UTF-8 and reserved characters must survive signing and listing. ('&' is left out:
# s3rver 4.0.4 escapes it twice in listings, which is its bug, not larder's.)
PREFIX = "ci cache/ü+=/"


def write_project(root):
    write_tree(
        root,
        {
            "Cargo.toml": '[workspace]\nmembers = ["base", "top"]\nresolver = "2"\n',
            "base/Cargo.toml": '[package]\nname = "base"\nversion = "0.1.0"\nedition = "2021"\n',
            "base/src/lib.rs": "pub fn answer() -> u32 { 42 }\n",
            "top/Cargo.toml": '[package]\nname = "top"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nbase = { path = "../base" }\n',
            "top/src/lib.rs": "pub fn twice() -> u32 { base::answer() * 2 }\n",
        },
    )
    return root


@pytest.fixture
def s3(tmp_path):
    server = S3Server(tmp_path, buckets=("larder",))
    yield server
    server.stop()


def storage(stats, kind):
    return [s for s in stats["storage"] if s["name"] == kind]


def clear_local(larder, project):
    larder.run("cache", "clear")
    shutil.rmtree(project / "target", ignore_errors=True)


def test_second_build_with_empty_local_tier_hits_from_s3_and_aws_cli_reads_it(larder, s3, tmp_path):
    project = write_project(tmp_path / "proj")
    env = larder_s3_env(s3.url, LARDER_S3_KEY_PREFIX=PREFIX)
    larder.cargo(project, "build", env=env)
    first = larder.stats(env=env)
    [remote] = storage(first, "s3")
    assert remote["writes"] >= 2 and remote["errors"] == 0, first
    assert remote["location"].startswith("s3://larder/")

    clear_local(larder, project)
    larder.reset_stats()
    larder.cargo(project, "build", env=env)
    second = larder.stats(env=env)
    [remote] = storage(second, "s3")
    assert second["cache_hits"] >= 2, second
    # One request per hit: the manifest on S3 carries its entry.
    assert remote["hits"] == second["cache_hits"] and remote["misses"] == 0 and remote["errors"] == 0, second

    # Interoperability: the AWS CLI lists what larder wrote under the prefix and reads it back.
    listing = aws_cli(s3.url, "s3", "ls", f"s3://larder/{PREFIX}", "--recursive", tmp=tmp_path)
    assert listing.returncode == 0, listing.stderr
    keys = [line.split(None, 3)[3] for line in listing.stdout.splitlines() if line.strip()]
    assert keys and all(k.startswith(PREFIX) for k in keys), listing.stdout
    for suffix in (".entry", ".manifest"):
        key = next(k for k in keys if k.endswith(suffix))
        name = key[len(PREFIX):]
        copy = tmp_path / ("copied" + suffix)
        got = aws_cli(s3.url, "s3", "cp", f"s3://larder/{key}", str(copy), tmp=tmp_path)
        assert got.returncode == 0, got.stderr
        local = [p for p in (larder.dir).rglob(name)]
        assert local, f"{name} was filled into the local tier"
        # The local tier keeps a manifest without the entry it carries on S3.
        assert suffix == ".entry" or copy.read_bytes().startswith(lo.BUNDLE_MAGIC), name
        assert lo.split_bundle(copy.read_bytes())[0] == local[0].read_bytes(), name


def test_doctor_probe_virtual_hosted_and_path_style(larder, s3):
    # s3rver serves BUCKET.s3.localhost; libcurl resolves *.localhost to loopback itself.
    # s3rver 4.0.4 verifies virtual-hosted SigV4 against "/bucket/key" (not S3's "/key"), so
    # this end-to-end check of the addressing is anonymous; the signed virtual-hosted form is
    # covered by the unit tests.
    virtual = larder_s3_env(f"http://s3.localhost:{s3.port}", LARDER_S3_PATH_STYLE="0", LARDER_S3_KEY_PREFIX="v/",
                            LARDER_S3_NO_CREDENTIALS="1")
    result = larder.run("doctor", env=virtual, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "http://larder.s3.localhost:" in result.stdout
    assert "anonymous" in result.stdout

    path = larder_s3_env(s3.url, LARDER_S3_KEY_PREFIX=PREFIX)
    result = larder.run("doctor", env=path, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(path-style)" in result.stdout


def test_wrong_secret_is_explained_and_never_fails_the_build(larder, s3, tmp_path):
    env = larder_s3_env(s3.url, AWS_SECRET_ACCESS_KEY="not-the-secret")
    doctor = larder.run("doctor", env=env, check=False)
    assert doctor.returncode == 1
    assert "SignatureDoesNotMatch: the secret key does not match the access key id" in doctor.stdout
    assert "not-the-secret" not in doctor.stdout + doctor.stderr

    project = write_project(tmp_path / "proj")
    build = larder.cargo(project, "build", env=dict(env, LARDER_LOG="trace"))
    assert "not-the-secret" not in build.stderr
    stats = larder.stats(env=env)
    [remote] = storage(stats, "s3")
    assert remote["errors"] > 0 and stats["cache_errors"]["read"] > 0, stats


def test_missing_bucket_is_explained(larder, s3):
    doctor = larder.run("doctor", env=larder_s3_env(s3.url, bucket="no-such-bucket"), check=False)
    assert doctor.returncode == 1
    assert "NoSuchBucket: bucket 'no-such-bucket' does not exist" in doctor.stdout


def test_read_only_never_writes(larder, s3, tmp_path):
    project = write_project(tmp_path / "proj")
    env = larder_s3_env(s3.url, LARDER_READ_ONLY="1", LARDER_S3_KEY_PREFIX="ro/")
    larder.cargo(project, "build", env=env)
    [remote] = storage(larder.stats(env=env), "s3")
    assert remote["writes"] == 0 and remote["misses"] > 0 and remote["errors"] == 0
    listing = aws_cli(s3.url, "s3", "ls", "s3://larder/", "--recursive", tmp=tmp_path)
    assert listing.stdout.strip() == "", listing.stdout
