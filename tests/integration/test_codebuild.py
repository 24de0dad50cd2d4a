"""codebuild/buildspec.yml: its phases run by the test in order, in one shell as CodeBuild's
buildspec 0.2 does, with CodeBuild's variables; two builds in fresh source folders, the second
all hits. With the S3 backend: against loopback S3 and a loopback container-credentials
endpoint (CodeBuild's role credentials), and buildspec-docker.yml's credentials hand-off."""
import json
import re
import shlex
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import yaml

from ci_glue import (ContainerCredentials, S3Server, clean_env, index_key, served_release_site, tiny_workspace,
                     transfer_counts)
from conftest import REPO

BUILDSPEC = REPO / "codebuild" / "buildspec.yml"
DOCKER_BUILDSPEC = REPO / "codebuild" / "buildspec-docker.yml"
PHASES = ("install", "pre_build", "build", "post_build")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_release_site(tmp_path_factory.mktemp("releases")) as served:
        yield served


def phase_script(spec: dict) -> str:
    """One POSIX shell script for all phases: a failing command ends its phase and the build's
    success; install and pre_build failures skip the rest; post_build runs after build either way."""
    lines = ["CODEBUILD_BUILD_SUCCEEDING=1", "export CODEBUILD_BUILD_SUCCEEDING", "larder_cb_skip=0"]
    for phase in PHASES:
        commands = (spec.get("phases", {}).get(phase) or {}).get("commands", [])
        lines.append(f'echo "[Container] Entering phase {phase.upper()}"')
        lines.append("larder_cb_phase_ok=1")
        for command in commands:
            lines.append(
                f'if [ "$larder_cb_skip" = 0 ] && [ "$larder_cb_phase_ok" = 1 ]; then printf "[Container] Running command %s\\n" {shlex.quote(command)}; '
                f"eval {shlex.quote(command)} || {{ echo \"[Container] Command did not exit successfully: exit status $?\"; "
                "larder_cb_phase_ok=0; CODEBUILD_BUILD_SUCCEEDING=0; }; fi"
            )
        if phase in ("install", "pre_build"):
            lines.append('if [ "$larder_cb_phase_ok" = 0 ]; then larder_cb_skip=1; fi')
    lines.append('[ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ]')
    return "\n".join(lines) + "\n"


def codebuild_env(tmp_path: Path, src: Path, spec: dict, project_env: dict) -> dict:
    """buildspec env.variables, overridden by the build project's variables, plus the variables
    CodeBuild sets itself."""
    env = clean_env(tmp_path / "home")
    (tmp_path / "home").mkdir(exist_ok=True)
    env.update({k: str(v) for k, v in (spec.get("env", {}).get("variables") or {}).items()})
    for name, value in project_env.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    build_id = f"larder-test:{uuid.uuid4()}"
    env.update(
        CODEBUILD_BUILD_ID=build_id,
        CODEBUILD_BUILD_ARN=f"arn:aws:codebuild:us-east-1:123456789012:build/{build_id}",
        CODEBUILD_SRC_DIR=str(src),
        CODEBUILD_RESOLVED_SOURCE_VERSION="0123456789abcdef0123456789abcdef01234567",
        CODEBUILD_INITIATOR="larder-test",
        CODEBUILD_CI="true",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
    )
    return env


def run_buildspec(spec: dict, env: dict, src: Path):
    return subprocess.run(["sh", "-c", phase_script(spec)], cwd=src, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("storage", ["local", "s3"])
def test_buildspec_phases_two_builds(storage, site, tmp_path):
    """Two builds in fresh folders, the second all hits. With S3: build 1 (main) defers its
    uploads and pushes them with the index in post_build; build 2 (a pull request's branch, a
    fresh host) prefetches main's index and hits locally; a read-only build prefetches, defers
    nothing and pushes nothing."""
    server, version = site
    spec = yaml.safe_load(BUILDSPEC.read_text())
    assert spec["version"] == 0.2
    s3 = creds = None
    project_env = {
        "LARDER_INSTALLER_URL": f"{server.url}/install.sh",
        "LARDER_BASE_URL": server.url,
        "LARDER_INSTALL_DIR": str(tmp_path / "bin"),  # the buildspec's /usr/local/bin is the host's here
    }
    if storage == "s3":
        s3 = S3Server(tmp_path / "s3")
        creds = ContainerCredentials(s3.access_key, s3.secret_key)
        project_env.update(LARDER_BUCKET=s3.bucket, LARDER_ENDPOINT=s3.endpoint, LARDER_S3_PATH_STYLE="1", **creds.env())
    else:
        project_env.update(LARDER_BUCKET=None, LARDER_S3_KEY_PREFIX=None, LARDER_DIR=str(tmp_path / "shared-cache"))
    webhooks = [{"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/main"},
                {"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/feature/x", "CODEBUILD_WEBHOOK_BASE_REF": "refs/heads/main"}]
    try:
        results = []
        for n in (1, 2):
            src = tiny_workspace(tmp_path / f"src{n}")
            env = codebuild_env(tmp_path, src, spec, {**project_env, **webhooks[n - 1]})
            if storage == "s3":
                env["LARDER_DIR"] = str(tmp_path / f"local-cache{n}")  # a fresh build host each time
            result = run_buildspec(spec, env, src)
            assert result.returncode == 0, result.stdout + result.stderr
            stats = json.loads((src / "larder-stats.json").read_text())
            results.append((result, stats))
        (first, stats1), (second, stats2) = results
        assert stats1["cache_misses"] >= 1 and stats1["cache_hits"] == 0
        assert stats2["cache_hits"] == stats1["cache_misses"] and stats2["cache_misses"] == 0
        assert "Cache hits" in second.stdout and "Hit rate" in second.stdout  # post_build printed the stats
        assert second.stdout.index("Entering phase BUILD") < second.stdout.index("Entering phase POST_BUILD")
        assert (tmp_path / "bin" / "larder").exists()
        if storage == "local":
            # (the log shows the commands too: larder's reports start with "larder cache …:")
            assert "larder cache prefetch:" not in first.stdout + second.stdout
            assert "larder cache push:" not in first.stdout + second.stdout
            return
        assert creds.requests, "larder never asked the container credentials endpoint"
        # build 1: no index yet; its misses reach S3 only with post_build's push
        assert "larder cache prefetch: no index found 'larder-test/build/main'; the build runs without a prefetch" \
            in first.stdout, first.stdout
        assert s3_tier(stats1)["writes"] == 0, "a miss uploaded inline"
        objects = 2 * stats1["cache_misses"]  # an entry and a manifest per miss
        assert transfer_counts(first.stdout) == {"queued": objects, "uploaded": objects,
                                                 "push_index": "larder-test/build/main", "index_objects": objects}
        assert first.stdout.index("Entering phase PRE_BUILD") < first.stdout.index("larder cache prefetch:") \
            < first.stdout.index("Entering phase BUILD")
        # build 2: the pull request's branch has no index; the base branch's brings every object
        assert transfer_counts(second.stdout) == {
            "prefetch_index": "larder-test/build/main", "listed": objects, "already_here": 0, "fetched": objects,
            "queued": 0, "uploaded": 0, "push_index": "larder-test/build/feature/x", "index_objects": objects}, second.stdout
        assert s3_tier(stats2)["hits"] == 0 and s3_tier(stats2)["misses"] == 0, "every hit must be local"
        keys = s3.keys()
        for name in ("larder-test/build/main", "larder-test/build/feature/x"):
            assert index_key(name, stats1["cache_format"], "codebuild/") in keys
        assert len([k for k in keys if k.endswith((".entry", ".manifest"))]) == objects

        # read-only (untrusted sources): prefetches, compiles a change, uploads nothing
        src = tiny_workspace(tmp_path / "src-untrusted")
        (src / "util" / "src" / "lib.rs").write_text("pub fn answer() -> u32 { 42 + 0 }\n")
        env = codebuild_env(tmp_path, src, spec, {**project_env, **webhooks[1], "LARDER_READ_ONLY": "1"})
        env["LARDER_DIR"] = str(tmp_path / "local-cache-untrusted")
        untrusted = run_buildspec(spec, env, src)
        assert untrusted.returncode == 0, untrusted.stdout + untrusted.stderr
        assert transfer_counts(untrusted.stdout)["prefetch_index"] == "larder-test/build/feature/x", untrusted.stdout
        assert "larder: read-only: no deferred uploads, no push" in untrusted.stdout
        assert "larder cache push:" not in untrusted.stdout
        assert json.loads((src / "larder-stats.json").read_text())["cache_misses"] >= 1
        assert s3.keys() == keys
    finally:
        if s3:
            s3.stop()
        if creds:
            creds.stop()


def s3_tier(stats: dict) -> dict:
    """The S3 tier's counters (all zero when no call asked it)."""
    return next((t for t in stats["storage"] if t["name"] == "s3"), {"hits": 0, "misses": 0, "writes": 0})


FAKE_LARDER = """#!/bin/sh
# records the arguments of `larder cache prefetch`, one a line
if [ "$1 $2" = "cache prefetch" ]; then shift 2; printf '%s\\n' "$@" > "$LARDER_TEST_RECORD"; fi
"""


@pytest.mark.parametrize("project_env,names,pushes", [
    ({}, ["larder-test/build/main"], True),
    ({"CODEBUILD_SOURCE_VERSION": "refs/heads/release/2"}, ["larder-test/build/release/2", "larder-test/build/main"], True),
    ({"CODEBUILD_SOURCE_VERSION": "0123456789abcdef0123456789abcdef01234567"}, ["larder-test/build/main"], True),
    ({"CODEBUILD_SOURCE_VERSION": "arn:aws:s3:::bucket/source.zip", "LARDER_DEFAULT_BRANCH": "trunk"},
     ["larder-test/build/trunk"], True),
    ({"CODEBUILD_SOURCE_VERSION": "pr/7", "CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/fix",
      "CODEBUILD_WEBHOOK_BASE_REF": "refs/heads/release", "CODEBUILD_BATCH_BUILD_IDENTIFIER": "linux_arm"},
     ["larder-test/linux_arm/fix", "larder-test/linux_arm/release", "larder-test/linux_arm/main"], True),
    ({"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/fix", "CODEBUILD_WEBHOOK_BASE_REF": "refs/heads/main"},
     ["larder-test/build/fix", "larder-test/build/main"], True),
    ({"CODEBUILD_WEBHOOK_HEAD_REF": "refs/tags/v1.0"}, ["larder-test/build/v1.0", "larder-test/build/main"], True),
    ({"LARDER_INDEX": " shared/x  shared/main "}, ["shared/x", "shared/main"], True),
    ({"LARDER_READ_ONLY": "True"}, ["larder-test/build/main"], False),
    ({"LARDER_DEFER_UPLOADS": "0"}, ["larder-test/build/main"], True),  # the project's own choice stays
    ({"LARDER_PREFETCH": "0"}, None, False),
    ({"LARDER_BUCKET": None}, None, False),
    ({"LARDER_BUCKET": None, "LARDER_REMOTE": "redis://127.0.0.1:1"}, ["larder-test/build/main"], True),
])
def test_pre_build_names_the_index_and_defers_uploads(project_env, names, pushes, tmp_path):
    """pre_build with a stand-in larder that records the prefetch's arguments: the index names
    for each kind of CodeBuild source, and whether uploads are deferred to a push."""
    spec = yaml.safe_load(BUILDSPEC.read_text())
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "larder").write_text(FAKE_LARDER)
    (fake / "sleep").write_text("#!/bin/sh\n")  # pre_build's wait for the next second
    for tool in ("larder", "sleep"):
        (fake / tool).chmod(0o755)
    record = tmp_path / "prefetch-args"
    env = codebuild_env(tmp_path, tmp_path, spec, {"LARDER_BUCKET": "b", **project_env})
    env.update(PATH=f"{fake}:{env['PATH']}", RUSTC_WRAPPER=str(fake / "larder"), LARDER_TEST_RECORD=str(record))
    script = "\n".join([*spec["phases"]["pre_build"]["commands"],
                        'echo "push=${LARDER_PUSH_INDEX:-} defer=${LARDER_DEFER_UPLOADS:-} started=$LARDER_BUILD_STARTED"'])
    result = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    if names is None:
        assert not record.exists()
    else:
        args = record.read_text().splitlines()
        assert args == [a for name in names for a in ("--index", name)], args
    push, defer, started = result.stdout.strip().splitlines()[-1].split(" ")
    assert push == (f"push={names[0]}" if pushes else "push=")
    assert defer == f"defer={project_env.get('LARDER_DEFER_UPLOADS', '1')}" if pushes else defer == "defer="
    assert re.fullmatch(r"started=\d{10,}", started)


# HOST_CC and HOST_CXX as the install phase sets them: links to larder called cc and c++ in
# masquerade/ beside the binary ({bin} is the folder of the binary)
C_COMPILERS = {"HOST_CC": "{bin}/masquerade/cc", "HOST_CXX": "{bin}/masquerade/c++"}
C_COMPILERS_SET = "larder: C and C++ from build scripts compile through larder: HOST_CC={bin}/masquerade/cc, " \
                  "HOST_CXX={bin}/masquerade/c++ (links to larder)"
C_OFF = "the C and C++ compilers are left as they are"


@pytest.mark.parametrize("project_env,expected,said", [
    ({}, C_COMPILERS, C_COMPILERS_SET),
    ({"LARDER_CACHE_C": "0"}, {}, f"larder: LARDER_CACHE_C=0: {C_OFF}"),
    ({"LARDER_CACHE_C": "Off"}, {}, f"larder: LARDER_CACHE_C=Off: {C_OFF}"),
    ({"LARDER_CACHE_C": "0", "CC": "clang"}, {"CC": "clang"}, f"larder: LARDER_CACHE_C=0: {C_OFF}"),
    # HOST_CC would override the project's CC in the cc crate: none then
    ({"CC": "clang"}, {"CC": "clang", "HOST_CXX": C_COMPILERS["HOST_CXX"]}, "larder: kept the project's own CC"),
    ({"HOST_CC": "gcc-12"}, {**C_COMPILERS, "HOST_CC": "gcc-12"}, "larder: kept the project's own HOST_CC"),
    ({"CXX": ""}, {"CXX": "", "HOST_CC": C_COMPILERS["HOST_CC"]}, "larder: kept the project's own CXX"),
    ({"HOST_CXX": "g++-12"}, {**C_COMPILERS, "HOST_CXX": "g++-12"}, "larder: kept the project's own HOST_CXX"),
    ({"CC": "gcc-12", "HOST_CC": "gcc-12", "CXX": "g++-12"}, {"CC": "gcc-12", "HOST_CC": "gcc-12", "CXX": "g++-12"},
     "larder: kept the project's own CC, HOST_CC, CXX"),
    # no CC_KNOWN_WRAPPER_CUSTOM is set (single program paths need no splitting); a project's own stays
    ({"CC_KNOWN_WRAPPER_CUSTOM": "other"}, {**C_COMPILERS, "CC_KNOWN_WRAPPER_CUSTOM": "other"}, C_COMPILERS_SET),
    # a cross compiler named for its target wins over HOST_CC in the cc crate: nothing to keep
    ({"CC_aarch64_unknown_linux_gnu": "aarch64-linux-gnu-gcc"}, C_COMPILERS, C_COMPILERS_SET),
])
def test_install_sends_build_scripts_c_through_larder(project_env, expected, said, tmp_path):
    """The install phase (after the download) with a stand-in larder: HOST_CC and HOST_CXX for
    the later phases, naming links cc and c++ to larder in a folder not on PATH, never CC, CXX
    (the cc crate would use those for a cross target too) or CC_KNOWN_WRAPPER_CUSTOM, unless
    LARDER_CACHE_C turns them off; a project with its own CC or HOST_CC gets no HOST_CC, with
    CXX or HOST_CXX no HOST_CXX, and the log says so once."""
    spec = yaml.safe_load(BUILDSPEC.read_text())
    assert spec["env"]["variables"]["LARDER_CACHE_C"] == "1"  # on, and shown where it is turned off
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "larder").write_text("#!/bin/sh\n")
    (fake / "larder").chmod(0o755)
    expected = {name: value.replace("{bin}", str(fake)) for name, value in expected.items()}
    said = said.replace("{bin}", str(fake))
    env = codebuild_env(tmp_path, tmp_path, spec, {"LARDER_INSTALL_DIR": str(fake), **project_env})
    install = spec["phases"]["install"]["commands"]
    assert install[0].startswith("curl ")
    probe = tmp_path / "compilers"
    script = "\n".join([*install[1:], f'env | grep -E "^(CC|CXX|HOST_CC|HOST_CXX|CC_KNOWN_WRAPPER_CUSTOM)=" > "{probe}"',
                        'command -v larder', 'command -v cc || echo "no cc"'])
    result = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    seen = dict(line.split("=", 1) for line in probe.read_text().splitlines())
    assert seen == expected
    assert result.stdout.count(said) == 1, result.stdout
    *_, larder, cc = result.stdout.strip().splitlines()
    assert larder == str(fake / "larder")
    links = fake / "masquerade"
    for name in ("HOST_CC", "HOST_CXX"):
        if expected.get(name, "").startswith(str(links)):
            link = Path(expected[name])
            assert link.is_symlink() and link.resolve() == (fake / "larder").resolve(), link
            assert cc != str(link)  # not on PATH: a `cc` the build runs itself is the machine's
    if not {"HOST_CC", "HOST_CXX"} & set(expected) - set(project_env):
        assert not links.exists()  # nothing set, nothing made
    if expected == {name: value.replace("{bin}", str(fake)) for name, value in C_COMPILERS.items()} or not expected:
        assert "kept the project's own" not in result.stdout


def test_post_build_runs_after_a_failed_build(site, tmp_path):
    server, _ = site
    spec = yaml.safe_load(BUILDSPEC.read_text())
    src = tiny_workspace(tmp_path / "src")
    (src / "util" / "src" / "lib.rs").write_text("pub fn answer() -> u32 { \"no\" }\n")
    env = codebuild_env(tmp_path, src, spec, {
        "LARDER_INSTALLER_URL": f"{server.url}/install.sh", "LARDER_BASE_URL": server.url,
        "LARDER_INSTALL_DIR": str(tmp_path / "bin"), "LARDER_BUCKET": None, "LARDER_DIR": str(tmp_path / "cache")})
    result = run_buildspec(spec, env, src)
    assert result.returncode != 0
    assert "Entering phase POST_BUILD" in result.stdout and "Compile failures" in result.stdout
    stats = json.loads((src / "larder-stats.json").read_text())
    assert stats["compile_failures"] >= 1


def test_docker_buildspec_hands_credentials_to_docker_build(site, tmp_path):
    """buildspec-docker.yml on the host: `larder credentials export` turns the container
    credentials into the secret file that `docker build --secret` gets (docker is a recorder)."""
    server, _ = site
    spec = yaml.safe_load(DOCKER_BUILDSPEC.read_text())
    creds = ContainerCredentials("AKIACODEBUILD", "codebuild-secret")
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    record = tmp_path / "docker-call"
    (fake / "docker").write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{record}.args"\n'
        'for a in "$@"; do case "$a" in id=aws,src=*) cat "${a#id=aws,src=}" > ' f'"{record}.secret" ;; esac; done\n'
    )
    (fake / "docker").chmod(0o755)
    src = tiny_workspace(tmp_path / "src")
    try:
        env = codebuild_env(tmp_path, src, spec, {
            "LARDER_INSTALLER_URL": f"{server.url}/install.sh", "LARDER_BASE_URL": server.url,
            "LARDER_INSTALL_DIR": str(tmp_path / "bin"), **creds.env()})
        env["PATH"] = f"{fake}:{tmp_path / 'bin'}:{env['PATH']}"
        result = run_buildspec(spec, env, src)
        assert result.returncode == 0, result.stdout + result.stderr
        args = (Path(f"{record}.args")).read_text().splitlines()
        assert args[0] == "build" and "--secret" in args
        assert "LARDER_REGION=us-east-1" in args
        secret = Path(f"{record}.secret").read_text()
        assert "AKIACODEBUILD" in secret and "codebuild-secret" in secret and creds.keys["Token"] in secret
        assert "AKIACODEBUILD" not in " ".join(args)
        # the project's LARDER_CACHE_C reaches the Dockerfile's cargo step
        assert args[args.index("LARDER_CACHE_C") - 1] == "--build-arg"
        # post_build removed the secret file
        secret_path = next(a for a in args if a.startswith("id=aws,src=")).split("src=", 1)[1]
        assert not Path(secret_path).exists()
    finally:
        creds.stop()


def cache_paths_folder(spec: dict) -> str:
    """The folder the buildspec's `cache: paths:` keeps: LARDER_DIR with everything below it."""
    paths = spec["cache"]["paths"]
    larder_dir = spec["env"]["variables"]["LARDER_DIR"]
    assert paths == [f"{larder_dir}/**/*"], paths
    return larder_dir


def objects(folder: Path) -> set:
    """The cached objects in a larder folder, by relative path: the files under LARDER_DIR/cache
    named by a hash (not the shards' lock and usage files)."""
    return {p.relative_to(folder) for p in (folder / "cache").rglob("*")
            if p.is_file() and re.match(r"[0-9a-f]{16,}", p.name)}


def trim_knows_unused_since() -> bool:
    from conftest import larder_binary

    out = subprocess.run([str(larder_binary()), "cache", "trim", "--help"], capture_output=True, text=True)
    return "--unused-since" in out.stdout + out.stderr


def test_codebuild_cache_between_fresh_build_hosts(site, tmp_path):
    """CodeBuild's S3 cache as CodeBuild runs it: `cache: paths` archived after post_build and
    unpacked on the next (fresh) build host before install. The second build is all hits; the
    archive holds no credential; what the build did not use was pruned before the archive."""
    import tarfile

    server, _ = site
    spec = yaml.safe_load(BUILDSPEC.read_text())
    cache_paths_folder(spec)
    creds = ContainerCredentials("AKIACODEBUILDCACHE", "codebuild-cache-secret-51ae")
    archive = tmp_path / "codebuild-cache.tar"
    try:
        stats = []
        for n in (1, 2):
            larder_dir = tmp_path / f"host{n}" / "larder"  # a fresh build host each time
            larder_dir.parent.mkdir()
            if archive.exists():
                with tarfile.open(archive) as tar:
                    tar.extractall(larder_dir.parent)
            if n == 2:
                # Objects of another project, used before this build: pruned in post_build.
                other = tiny_workspace(tmp_path / "other")
                (other / "util" / "src" / "lib.rs").write_text("pub fn answer() -> u32 { 7 }\n")
                from conftest import larder_binary

                before = objects(larder_dir)
                subprocess.run(["cargo", "build", "--locked"], cwd=other, check=True, capture_output=True, timeout=300,
                               env=dict(clean_env(tmp_path / "home"), RUSTC_WRAPPER=str(larder_binary()),
                                        LARDER_DIR=str(larder_dir), CARGO_INCREMENTAL="0"))
                planted = objects(larder_dir) - before
                time.sleep(1.1)  # the build's start time is in whole seconds
            src = tiny_workspace(tmp_path / f"src{n}")
            env = codebuild_env(tmp_path, src, spec, {
                "LARDER_INSTALLER_URL": f"{server.url}/install.sh", "LARDER_BASE_URL": server.url,
                "LARDER_INSTALL_DIR": str(tmp_path / f"host{n}" / "bin"), "LARDER_BUCKET": None,
                "LARDER_S3_KEY_PREFIX": None, "LARDER_DIR": str(larder_dir), **creds.env()})
            result = run_buildspec(spec, env, src)
            assert result.returncode == 0, result.stdout + result.stderr
            stats.append(json.loads((src / "larder-stats.json").read_text()))
            with tarfile.open(archive, "w") as tar:  # after post_build, as CodeBuild does
                tar.add(larder_dir, arcname="larder")
        first, second = stats
        assert first["cache_misses"] >= 1 and second["cache_misses"] == 0
        assert second["cache_hits"] == first["cache_misses"]
        data = archive.read_bytes()
        for secret in ("AKIACODEBUILDCACHE", "codebuild-cache-secret-51ae", creds.keys["Token"]):
            assert secret.encode() not in data, secret
        if trim_knows_unused_since():
            assert planted and f"could not prune {larder_dir}" not in result.stdout
            kept = objects(tmp_path / "host2" / "larder")
            assert not (kept & planted), "objects the build never used were kept"
        else:
            print("larder has no `cache trim --unused-since` yet: pruning not checked")
    finally:
        creds.stop()


def test_unsupported_platform_builds_without_the_wrapper(site, tmp_path):
    server, _ = site
    spec = yaml.safe_load(BUILDSPEC.read_text())
    fake = tmp_path / "fake-uname"
    fake.mkdir()
    (fake / "uname").write_text('#!/bin/sh\ncase "$1" in -m) echo riscv64 ;; *) echo Linux ;; esac\n')
    (fake / "uname").chmod(0o755)
    src = tiny_workspace(tmp_path / "src")
    env = codebuild_env(tmp_path, src, spec, {
        "LARDER_INSTALLER_URL": f"{server.url}/install.sh", "LARDER_BASE_URL": server.url,
        "LARDER_INSTALL_DIR": str(tmp_path / "bin"), "LARDER_BUCKET": None, "LARDER_DIR": str(tmp_path / "cache")})
    env["PATH"] = f"{fake}:{env['PATH']}"
    probe = tmp_path / "build-env"
    spec["phases"]["build"]["commands"].append(f'echo "HOST_CC=${{HOST_CC-unset}} HOST_CXX=${{HOST_CXX-unset}} CC=${{CC-unset}}" > "{probe}"')
    result = run_buildspec(spec, env, src)
    assert result.returncode == 0, result.stdout + result.stderr
    assert probe.read_text().strip() == "HOST_CC=unset HOST_CXX=unset CC=unset"  # no links without larder
    assert "warning: no prebuilt larder for this platform (Linux riscv64)" in result.stderr
    assert "the build runs without the compiler cache" in result.stdout
    assert (src / "target" / "release" / "app").exists()
    assert not (tmp_path / "bin" / "larder").exists() and not (tmp_path / "cache").exists()
    assert json.loads((src / "larder-stats.json").read_text()) == {"installed": False}
