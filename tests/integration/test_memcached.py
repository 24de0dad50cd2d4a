"""memcached backend against real memcached processes on loopback: one and two servers, objects
larger than memcached's 1 MiB item limit (chunked), read-only, a server stopped mid-build."""
import shutil
import socket

import pytest

from conftest import ServerProcess, free_port
from remote_helpers import (add_big_crate, check_read_only, check_second_build_hits, check_server_stopped_mid_build,
                            fresh_larder, storage_stats, write_project)

pytestmark = pytest.mark.skipif(shutil.which("memcached") is None, reason="memcached is not installed")


def start_memcached(*extra):
    port = free_port()
    argv = ["memcached", "-l", "127.0.0.1", "-p", str(port), "-U", "0", "-m", "64", "-I", "1m", "-u", "root", *extra]
    return ServerProcess(argv, port, lifetime=600)


def memcached_stats(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"stats\r\n")
        data = b""
        while not data.endswith(b"END\r\n"):
            data += s.recv(65536)
    return {line.split()[1]: line.split()[2] for line in data.decode().splitlines() if line.startswith("STAT ")}


@pytest.fixture
def memcached():
    server = start_memcached()
    yield server
    server.stop()


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path / "project")


def test_second_clean_build_hits_with_chunked_large_objects(tmp_path, memcached):
    project = write_project(tmp_path / "project")
    add_big_crate(project)  # a 3 MiB rlib: stored as chunks below the 1 MiB item limit
    check_second_build_hits(tmp_path, project, f"memcached://127.0.0.1:{memcached.port}?prefix=ci/&expire=1h",
                            "memcached", crates=4)
    stats = memcached_stats(memcached.port)
    assert int(stats["total_items"]) > 4  # the heads plus the chunks


def test_two_servers_share_the_keys(tmp_path, project, memcached):
    other = start_memcached()
    try:
        url = f"memcached://127.0.0.1:{memcached.port},127.0.0.1:{other.port}"
        assert str(other.port) in fresh_larder(tmp_path, "cfg", url).run("config").stdout
        check_second_build_hits(tmp_path, project, url, "memcached")
        assert int(memcached_stats(memcached.port)["curr_items"]) > 0
        assert int(memcached_stats(other.port)["curr_items"]) > 0
    finally:
        other.stop()


def test_read_only_writes_nothing(tmp_path, project, memcached):
    check_read_only(tmp_path, project, f"memcached://127.0.0.1:{memcached.port}", "memcached")
    assert memcached_stats(memcached.port)["curr_items"] == "0"


def test_server_stopped_mid_build_keeps_the_build_green(tmp_path, project, memcached):
    check_server_stopped_mid_build(tmp_path, project, f"memcached://127.0.0.1:{memcached.port}", "memcached", memcached)


def test_doctor_explains_refused_connection_and_item_limit(tmp_path, memcached):
    report = fresh_larder(tmp_path, "ok", f"memcached://127.0.0.1:{memcached.port}").run("doctor", check=False)
    assert report.returncode == 0, report.stdout
    assert "memcached 1." in report.stdout

    small = start_memcached("-I", "512k")
    try:
        larder = fresh_larder(tmp_path, "small", f"memcached://127.0.0.1:{small.port}")
        report = larder.run("doctor", check=False)
        assert report.returncode == 1 and "chunk_size" in report.stdout
        # An object that does not fit is refused with an explained, counted error.
        project = write_project(tmp_path / "big-project")
        add_big_crate(project, size=700 * 1024)
        larder.env["LARDER_REMOTE"] += "?chunk_size=900K"
        larder.cargo(project, "build")
        stats = storage_stats(larder.stats(), "memcached")
        assert stats["errors"] >= 1 and stats["writes"] >= 3, stats
    finally:
        small.stop()

    refused = fresh_larder(tmp_path, "refused", f"memcached://127.0.0.1:{free_port()}")
    report = refused.run("doctor", check=False)
    assert report.returncode == 1 and "connection refused" in report.stdout


def test_silent_server_times_out_in_seconds(tmp_path, project):
    from remote_helpers import SilentServer, check_silent_server_costs_seconds
    silent = SilentServer()
    try:
        check_silent_server_costs_seconds(tmp_path, project, f"memcached://127.0.0.1:{silent.port}?timeout=1s", "memcached")
    finally:
        silent.stop()
