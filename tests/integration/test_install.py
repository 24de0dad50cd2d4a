"""scripts/install.sh against a loopback HTTP server serving release-shaped archives, under
sh, dash, bash and busybox (busybox alone on PATH: its ash, wget, tar and sha256sum)."""
import os
import shutil
import subprocess

import pytest

from ci_glue import clean_env, host_target, served_release_site, sha256_file
from conftest import REPO, larder_binary

INSTALLER = REPO / "scripts" / "install.sh"
SHELLS = ["sh", "dash", "bash", "busybox"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_release_site(tmp_path_factory.mktemp("releases"), with_installer=False) as served:
        yield served


@pytest.fixture(scope="module")
def busybox_bin(tmp_path_factory):
    """A folder holding only busybox's applets, to run the installer as on a bare Alpine image."""
    busybox = shutil.which("busybox")
    if not busybox:
        pytest.fail("busybox is not installed (scripts/install-deps.sh installs it)")
    folder = tmp_path_factory.mktemp("busybox-bin")
    subprocess.run([busybox, "--install", "-s", str(folder)], check=True)
    return folder


def run_installer(shell, env, busybox_bin, tmp_path, extra_path=None, args=()):
    env = dict(env)
    if shell == "busybox":
        env["PATH"] = str(busybox_bin)
        argv = [shutil.which("busybox"), "sh", str(INSTALLER)]
    else:
        if shutil.which(shell) is None:
            pytest.fail(f"{shell} is not installed (scripts/install-deps.sh installs it)")
        argv = [shutil.which(shell), str(INSTALLER)]
    if extra_path:
        env["PATH"] = str(extra_path) + os.pathsep + env["PATH"]
    return subprocess.run([*argv, *args], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)


def base_env(tmp_path, server):
    env = clean_env(tmp_path / "home")
    (tmp_path / "home").mkdir(exist_ok=True)
    env["LARDER_BASE_URL"] = server.url + "/"
    return env


def archive_downloads(server):
    return [p for p in server.requests if p.endswith(".tar.gz")]


@pytest.mark.parametrize("shell", SHELLS)
def test_install_latest_then_reinstall_then_pin(shell, site, busybox_bin, tmp_path):
    server, version = site
    env = base_env(tmp_path, server)
    install_dir = tmp_path / "bin"
    github_path = tmp_path / "github_path"
    github_path.write_text("")
    env.update(LARDER_INSTALL_DIR=str(install_dir), GITHUB_ACTIONS="true", GITHUB_PATH=str(github_path))

    # Latest: resolves the version from latest/download/sha256.sum, installs the real binary.
    server.requests.clear()
    result = run_installer(shell, env, busybox_bin, tmp_path)
    assert result.returncode == 0, result.stderr
    installed = install_dir / "larder"
    assert installed.read_bytes() == larder_binary().read_bytes()
    assert os.access(installed, os.X_OK)
    assert f"installed larder {version} ({host_target()})" in result.stderr
    assert archive_downloads(server) == [f"/download/v{version}/larder-v{version}-{host_target()}.tar.gz"]
    assert version in subprocess.run([str(installed), "--version"], capture_output=True, text=True).stdout
    assert github_path.read_text() == f"{install_dir}\n"
    assert [p.name for p in install_dir.iterdir()] == ["larder"]  # no temp files left

    # Again: nothing downloaded but the checksum list, nothing changed, GITHUB_PATH not repeated.
    mtime = installed.stat().st_mtime_ns
    server.requests.clear()
    result = run_installer(shell, env, busybox_bin, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "already installed" in result.stderr
    assert archive_downloads(server) == []
    assert installed.stat().st_mtime_ns == mtime
    assert github_path.read_text() == f"{install_dir}\n"

    # Pinned older version, written with or without the v.
    server.requests.clear()
    result = run_installer(shell, dict(env, LARDER_VERSION="v0.0.1"), busybox_bin, tmp_path)
    assert result.returncode == 0, result.stderr
    assert archive_downloads(server) == [f"/download/v0.0.1/larder-v0.0.1-{host_target()}.tar.gz"]
    out = subprocess.run([str(installed), "--version"], capture_output=True, text=True).stdout
    assert out.startswith("larder 0.0.1 ")

    # Pinned and already there: not even the checksum list is fetched.
    server.requests.clear()
    result = run_installer(shell, dict(env, LARDER_VERSION="0.0.1"), busybox_bin, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "already installed" in result.stderr
    assert server.requests == []

    # LARDER_FORCE reinstalls.
    server.requests.clear()
    result = run_installer(shell, dict(env, LARDER_VERSION="0.0.1", LARDER_FORCE="1"), busybox_bin, tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(archive_downloads(server)) == 1


@pytest.mark.parametrize("shell", SHELLS)
def test_checksum_mismatch_installs_nothing(shell, site, busybox_bin, tmp_path):
    server, _ = site
    env = base_env(tmp_path, server)
    install_dir = tmp_path / "bin"
    env.update(LARDER_INSTALL_DIR=str(install_dir), LARDER_VERSION="0.0.2")
    result = run_installer(shell, env, busybox_bin, tmp_path)
    assert result.returncode != 0
    assert "checksum mismatch" in result.stderr
    assert "nothing was installed" in result.stderr
    assert not install_dir.exists() or list(install_dir.iterdir()) == []

    # An existing installation stays as it was.
    install_dir.mkdir(exist_ok=True)
    (install_dir / "larder").write_text("#!/bin/sh\necho larder 0.0.0\n")
    result = run_installer(shell, env, busybox_bin, tmp_path)
    assert result.returncode != 0
    assert (install_dir / "larder").read_text() == "#!/bin/sh\necho larder 0.0.0\n"
    assert [p.name for p in install_dir.iterdir()] == ["larder"]


def test_expected_checksum_from_the_user(site, busybox_bin, tmp_path):
    server, version = site
    env = base_env(tmp_path, server)
    install_dir = tmp_path / "bin"
    archive = f"larder-v{version}-{host_target()}.tar.gz"
    env.update(LARDER_INSTALL_DIR=str(install_dir), LARDER_SHA256="0" * 64)
    result = run_installer("dash", env, busybox_bin, tmp_path)
    assert result.returncode != 0
    assert "LARDER_SHA256" in result.stderr and "nothing was installed" in result.stderr
    assert not (install_dir / "larder").exists()

    digest = sha256_file(server.root / "download" / f"v{version}" / archive)
    result = run_installer("dash", dict(env, LARDER_SHA256=digest.upper()), busybox_bin, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (install_dir / "larder").exists()


UNSUPPORTED = [("FreeBSD", "x86_64"), ("Linux", "riscv64"), ("Linux", "armv7l"), ("Darwin", "arm64")]


def fake_uname(tmp_path, os_name, machine):
    """A folder with a `uname` that reports another platform, to put first on PATH."""
    fake = tmp_path / "fake-uname"
    fake.mkdir()
    (fake / "uname").write_text(
        f'#!/bin/sh\ncase "$1" in -s) echo {os_name} ;; -m) echo {machine} ;; *) echo {os_name} ;; esac\n'
    )
    (fake / "uname").chmod(0o755)
    return fake


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("os_name,machine", UNSUPPORTED)
def test_unknown_platform(shell, os_name, machine, site, busybox_bin, tmp_path):
    server, _ = site
    fake = fake_uname(tmp_path, os_name, machine)
    env = base_env(tmp_path, server)
    env["LARDER_INSTALL_DIR"] = str(tmp_path / "bin")
    server.requests.clear()
    result = run_installer(shell, env, busybox_bin, tmp_path, extra_path=fake)
    assert result.returncode != 0
    assert f"no prebuilt larder for this platform ({os_name} {machine})" in result.stderr
    assert server.requests == []
    assert not (tmp_path / "bin").exists()


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("how", ["option", "variable"])
@pytest.mark.parametrize("os_name,machine", UNSUPPORTED)
def test_soft_fail_on_unknown_platform(shell, how, os_name, machine, site, busybox_bin, tmp_path):
    """--soft-fail (or LARDER_INSTALL_SOFT_FAIL=1): a warning, exit 0, nothing installed, nothing
    downloaded, GITHUB_PATH untouched: the CI job goes on without the wrapper."""
    server, _ = site
    fake = fake_uname(tmp_path, os_name, machine)
    env = base_env(tmp_path, server)
    github_path = tmp_path / "github_path"
    github_path.write_text("")
    env.update(LARDER_INSTALL_DIR=str(tmp_path / "bin"), GITHUB_PATH=str(github_path))
    args = []
    if how == "option":
        args = ["--soft-fail"]
    else:
        env["LARDER_INSTALL_SOFT_FAIL"] = "1"
    server.requests.clear()
    result = run_installer(shell, env, busybox_bin, tmp_path, extra_path=fake, args=args)
    assert result.returncode == 0, result.stderr
    assert f"warning: no prebuilt larder for this platform ({os_name} {machine})" in result.stderr
    assert "larder was not installed" in result.stderr
    assert server.requests == []
    assert not (tmp_path / "bin").exists()
    assert github_path.read_text() == ""


def test_soft_fail_when_the_release_lacks_the_target_but_not_on_a_bad_checksum(site, busybox_bin, tmp_path):
    server, _ = site
    env = base_env(tmp_path, server)
    env.update(LARDER_INSTALL_DIR=str(tmp_path / "bin"), LARDER_TARGET="riscv64gc-unknown-linux-musl")
    hard = run_installer("dash", env, busybox_bin, tmp_path)
    assert hard.returncode != 0 and "the release has no archive for riscv64gc-unknown-linux-musl" in hard.stderr
    soft = run_installer("dash", env, busybox_bin, tmp_path, args=["--soft-fail"])
    assert soft.returncode == 0, soft.stderr
    assert "warning: the release has no archive for riscv64gc-unknown-linux-musl" in soft.stderr
    assert not (tmp_path / "bin").exists()

    # soft-fail is about the platform only: a tampered archive still stops the job
    env.pop("LARDER_TARGET")
    tampered = run_installer("dash", dict(env, LARDER_VERSION="0.0.2", LARDER_INSTALL_SOFT_FAIL="1"), busybox_bin,
                             tmp_path)
    assert tampered.returncode != 0 and "checksum mismatch" in tampered.stderr
    assert not (tmp_path / "bin" / "larder").exists()

    unknown = run_installer("dash", env, busybox_bin, tmp_path, args=["--soft"])
    assert unknown.returncode != 0 and "unknown option '--soft'" in unknown.stderr


def test_default_dir_without_root_and_missing_version(site, busybox_bin, tmp_path):
    server, _ = site
    env = base_env(tmp_path, server)
    # Not root: ~/.local/bin, no sudo. (As root the default is /usr/local/bin, not exercised here.)
    fake = tmp_path / "fake-id"
    fake.mkdir()
    (fake / "id").write_text('#!/bin/sh\necho 1000\n')
    (fake / "id").chmod(0o755)
    result = run_installer("dash", env, busybox_bin, tmp_path, extra_path=fake)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "home" / ".local" / "bin" / "larder").exists()
    assert "is not on PATH" in result.stderr

    result = run_installer("dash", dict(env, LARDER_VERSION="9.9.9"), busybox_bin, tmp_path, extra_path=fake)
    assert result.returncode != 0
    assert "could not download" in result.stderr and "9.9.9" in result.stderr


def test_installer_is_shellcheck_clean():
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        pytest.fail("shellcheck is not installed (scripts/install-deps.sh installs it)")
    result = subprocess.run([shellcheck, "-s", "sh", str(INSTALLER)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
