"""Faults in larder's settings and surroundings never fail a build, and each is reported once
per build with what to do: invalid values in `larder config`, a settings warning in a build of
many crates, an unwritable log file, an unusable LARDER_DIR, and a full disk (the statistics are
kept, or their loss is reported, and `larder doctor` names the full disk)."""
import errno
import os
import shutil
import subprocess

import pytest

from conftest import Larder
from projects import core_workspace
from test_core import BUILD_ENV, build

APP_OUTPUT = "42 plain 30 hello from a text file hi None 42 7"
BAD_SIZE = "LARDER_CACHE_SIZE='lots'"


@pytest.fixture
def project(tmp_path):
    return core_workspace(tmp_path / "ws")


def app_output(target_dir):
    return subprocess.run([str(target_dir / "debug/app")], capture_output=True, text=True, check=True).stdout.strip()


def clean_build(larder, project, env):
    shutil.rmtree(project / "target", ignore_errors=True)
    result = larder.cargo(project, "build", env=dict(BUILD_ENV, **env), timeout=900)
    assert app_output(project / "target") == APP_OUTPUT
    return result


@pytest.mark.parametrize(
    "name,value,expected",
    [
        ("LARDER_REMOTE", "garbage://", ["unknown scheme 'garbage://'", "use redis://"]),
        ("LARDER_REMOTE", "http://[::1", ["'http://[::1' is not a valid URL", "write scheme://host[:port][/path]"]),
        ("LARDER_REMOTE", "redis://127.0.0.1:6379,garbage://x", ["'garbage://x' has an unknown scheme"]),
        ("LARDER_LOG", "nonsense", ["LARDER_LOG='nonsense' is not a log level", "set off, error, warn, info, debug or trace"]),
        ("LARDER_CACHE_SIZE", "0", ["LARDER_CACHE_SIZE='0' is not a size above zero", "such as 10G or 500M"]),
        ("LARDER_READ_ONLY", "maybe", ["LARDER_READ_ONLY='maybe' is not a boolean", "set 1 (or true, yes, on) or 0"]),
        ("LARDER_CACHE_LINKED", "2", ["LARDER_CACHE_LINKED='2' is not a boolean"]),
        ("LARDER_ENDPOINT", "https://[::1:9000", ["LARDER_ENDPOINT='https://[::1:9000' is not a valid URL"]),
        ("LARDER_DIR", "relative/cache", ["is a relative path", "set an absolute path"]),
    ],
)
def test_config_reports_invalid_values_and_exits_non_zero(larder, name, value, expected):
    result = larder.run("config", env={name: value}, check=False)
    assert result.returncode == 1, result.stdout
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem: ")]
    assert len(problems) == 1, result.stdout
    for text in expected:
        assert text in problems[0]


def test_config_with_valid_values_exits_zero_and_masks_passwords(larder):
    env = {"LARDER_REMOTE": "redis://user:hunter2@127.0.0.1:6379/0,memcached://a:11211,b:11212,http://[::1]:8080/c",
           "LARDER_LOG": "Debug", "LARDER_CACHE_SIZE": "500M", "LARDER_READ_ONLY": "true",
           "LARDER_ENDPOINT": "http://127.0.0.1:9000"}
    result = larder.run("config", env=env, check=False)
    assert result.returncode == 0, result.stdout
    assert "problem:" not in result.stdout and "hunter2" not in result.stdout
    bad = larder.run("config", env=dict(env, LARDER_REMOTE="redis://user:hunter2@[::1"), check=False)
    assert bad.returncode == 1 and "not a valid URL" in bad.stdout and "hunter2" not in bad.stdout


def test_a_settings_warning_appears_once_per_build(larder, project):
    """Every wrapper of the build reads the same bad value; cargo's output shows it once, in
    each build."""
    for _ in range(2):
        result = clean_build(larder, project, {"LARDER_CACHE_SIZE": "lots"})
        assert result.stderr.count(BAD_SIZE) == 1, result.stderr
        assert result.stderr.count("Compiling ") >= 6, result.stderr
    assert larder.stats()["compile_requests"] >= 2 * 9


@pytest.mark.parametrize("where", ["parent-is-a-file", "dev-full"])
def test_an_unwritable_log_file_falls_back_to_stderr_with_one_warning(larder, project, tmp_path, where):
    if where == "dev-full":
        if not os.path.exists("/dev/full"):
            pytest.skip("/dev/full (writes fail with ENOSPC) does not exist here")
        log_file = "/dev/full"
    else:
        (tmp_path / "a-file").write_text("a file where a folder should be")
        log_file = str(tmp_path / "a-file" / "larder.log")
    result = clean_build(larder, project, {"LARDER_LOG_FILE": log_file, "LARDER_CACHE_SIZE": "lots"})
    assert result.stderr.count(f"cannot write the log file {log_file}") == 1, result.stderr
    assert "logging to stderr instead" in result.stderr
    # the warnings it would have written reach stderr instead, still once per build
    assert result.stderr.count(BAD_SIZE) == 1, result.stderr


def test_an_unusable_larder_dir_never_fails_or_hangs_a_build(larder, project, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where LARDER_DIR's parent folder should be")
    result = clean_build(larder, project, {"LARDER_DIR": str(blocker / "larder"), "LARDER_CACHE_SIZE": "lots"})
    # No marker can be made there: the warning is shown rather than lost.
    assert BAD_SIZE in result.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB tmpfs: a disk that fills up."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a 2 MiB tmpfs (needs root with CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk):
    """Writes one file until the disk has no block left."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (65536, 4096, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0


def on_disk(larder, disk):
    larder.dir = disk / "larder"
    larder.env["LARDER_DIR"] = str(larder.dir)
    return larder


def test_on_a_full_disk_builds_work_the_stats_are_kept_and_doctor_names_it(larder, project, tmp_path, small_disk):
    reference = Larder(tmp_path / "reference")
    build(reference, project, tmp_path)
    calls = reference.stats()["compile_requests"]
    assert calls >= 9

    on_disk(larder, small_disk)
    build(larder, project, tmp_path)
    assert larder.stats()["compile_requests"] == calls
    fill(small_disk)
    result, _ = build(larder, project, tmp_path)
    assert app_output(project / "target") == APP_OUTPUT
    stats = larder.stats()
    assert stats["compile_requests"] == 2 * calls, (stats, result.stderr)

    doctor = larder.run("doctor", check=False)
    assert doctor.returncode == 1
    assert f"the disk of {larder.dir} is full" in doctor.stdout, doctor.stdout
    assert "fix: free space on that disk" in doctor.stdout


def test_when_no_stats_can_be_written_the_loss_is_reported(larder, project, small_disk):
    on_disk(larder, small_disk)
    fill(small_disk)
    result = clean_build(larder, project, {})
    assert "the statistics of this call were lost" in result.stderr, result.stderr
    assert "run larder doctor" in result.stderr
