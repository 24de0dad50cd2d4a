"""Redis backend against real redis-server processes on loopback: plain with a password, and TLS."""
import shutil
import subprocess

import pytest

from conftest import ServerProcess, free_port
from remote_helpers import (check_read_only, check_second_build_hits, check_server_stopped_mid_build,
                            fresh_larder, write_project)

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")

PASSWORD = "s3cret-pw"


def start_redis(tmp_path, *extra, port=None):
    port = port or free_port()
    data = tmp_path / f"redis-{port}"
    data.mkdir()
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(data), *extra]
    return ServerProcess(argv, port, lifetime=600)


def redis_cli(port, *args, password=PASSWORD, db=None):
    argv = ["redis-cli", "-h", "127.0.0.1", "-p", str(port), "--no-auth-warning"]
    if password:
        argv += ["-a", password]
    if db is not None:
        argv += ["-n", str(db)]
    return subprocess.run([*argv, *args], capture_output=True, text=True, timeout=20, check=True).stdout


@pytest.fixture
def redis(tmp_path):
    server = start_redis(tmp_path, "--requirepass", PASSWORD)
    yield server
    server.stop()


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path / "project")


def test_second_clean_build_hits_from_redis_with_prefix_ttl_and_db(tmp_path, project, redis):
    url = f"redis://:{PASSWORD}@127.0.0.1:{redis.port}/2?prefix=ci/&ttl=1h"
    check_second_build_hits(tmp_path, project, url, "redis")
    keys = redis_cli(redis.port, "--scan", "--pattern", "*", db=2).split()
    assert keys and all(k.startswith("ci/") for k in keys), keys
    ttl = int(redis_cli(redis.port, "PTTL", keys[0], db=2))
    assert 0 < ttl <= 3600 * 1000
    assert redis_cli(redis.port, "DBSIZE", db=0).strip() == "0"


def test_read_only_writes_nothing(tmp_path, project, redis):
    check_read_only(tmp_path, project, f"redis://:{PASSWORD}@127.0.0.1:{redis.port}", "redis")
    assert redis_cli(redis.port, "DBSIZE").strip() == "0"


def test_server_stopped_mid_build_keeps_the_build_green(tmp_path, project, redis):
    check_server_stopped_mid_build(tmp_path, project, f"redis://:{PASSWORD}@127.0.0.1:{redis.port}", "redis", redis)


def test_config_masks_and_doctor_explains_failures(tmp_path, redis):
    good = fresh_larder(tmp_path, "good", f"redis://:{PASSWORD}@127.0.0.1:{redis.port}")
    assert PASSWORD not in good.run("config").stdout
    report = good.run("doctor", check=False)
    assert report.returncode == 0, report.stdout
    assert "PING answered" in report.stdout and PASSWORD not in report.stdout

    wrong = fresh_larder(tmp_path, "wrong", f"redis://:nope@127.0.0.1:{redis.port}")
    report = wrong.run("doctor", check=False)
    assert report.returncode == 1
    assert "authentication failed" in report.stdout

    missing = fresh_larder(tmp_path, "missing", f"redis://127.0.0.1:{redis.port}")
    assert "requires a password" in missing.run("doctor", check=False).stdout

    refused = fresh_larder(tmp_path, "refused", f"redis://127.0.0.1:{free_port()}?connect_timeout=1s")
    report = refused.run("doctor", check=False)
    assert report.returncode == 1 and "connection refused" in report.stdout


def test_full_server_is_explained(tmp_path):
    server = start_redis(tmp_path, "--maxmemory", "1mb", "--maxmemory-policy", "noeviction",
                         "--enable-debug-command", "yes")
    try:
        # Fill it past maxmemory so that every write is refused with OOM.
        redis_cli(server.port, "DEBUG", "POPULATE", "20000", "fill", "100", password=None)
        larder = fresh_larder(tmp_path, "full", f"redis://127.0.0.1:{server.port}")
        report = larder.run("doctor", check=False)
        assert report.returncode == 1
        assert "the server is full" in report.stdout, report.stdout
        assert "maxmemory-policy allkeys-lru" in report.stdout
    finally:
        server.stop()


def make_certificates(folder):
    """A CA and a server certificate for 127.0.0.1, made with the openssl command."""
    folder.mkdir()

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=larder test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1")
    (folder / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-extfile", "ext.cnf")
    return folder


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_rediss_tls_with_password(tmp_path, project):
    certs = make_certificates(tmp_path / "certs")
    port = free_port()
    server = start_redis(tmp_path, "--port", "0", "--tls-port", str(port), "--tls-cert-file", str(certs / "server.crt"),
                         "--tls-key-file", str(certs / "server.key"), "--tls-ca-cert-file", str(certs / "ca.crt"),
                         "--tls-auth-clients", "no", "--requirepass", PASSWORD, port=port)
    try:
        url = f"rediss://:{PASSWORD}@127.0.0.1:{port}?ca={certs / 'ca.crt'}"
        report = fresh_larder(tmp_path, "doctor", url).run("doctor", check=False)
        assert report.returncode == 0, report.stdout
        check_second_build_hits(tmp_path, project, url, "redis")

        untrusted = fresh_larder(tmp_path, "untrusted", f"rediss://:{PASSWORD}@127.0.0.1:{port}")
        report = untrusted.run("doctor", check=False)
        assert report.returncode == 1 and "not trusted" in report.stdout
    finally:
        server.stop()


def test_silent_server_times_out_in_seconds(tmp_path, project):
    from remote_helpers import SilentServer, check_silent_server_costs_seconds
    silent = SilentServer()
    try:
        url = f"redis://127.0.0.1:{silent.port}?timeout=1s"
        check_silent_server_costs_seconds(tmp_path, project, url, "redis")
        report = fresh_larder(tmp_path, "doctor", url).run("doctor", check=False)
        assert report.returncode == 1 and "no answer from 127.0.0.1" in report.stdout, report.stdout
    finally:
        silent.stop()
