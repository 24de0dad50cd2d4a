"""Remote faults through a loopback proxy in front of s3rver: 500, 503 SlowDown, resets,
stalls, truncated bodies and a bucket in another region. The build always succeeds; the stats
count what could not be recovered."""
import pytest

from s3_support import FaultProxy, S3Server, larder_s3_env, s3rver_available
from test_s3 import storage, write_project

pytestmark = pytest.mark.skipif(not s3rver_available(), reason="s3rver is not installed (scripts/install-deps.sh)")


@pytest.fixture
def s3(tmp_path):
    server = S3Server(tmp_path, buckets=("larder",))
    yield server
    server.stop()


def test_transient_faults_are_retried(larder, s3, tmp_path):
    # Every other request fails in a different way; one retry recovers each. One job at a time:
    # with parallel wrappers one request could meet three faults in a row.
    proxy = FaultProxy(s3.port, plan=["500", "pass", "503", "pass", "reset", "pass", "truncate", "pass"] * 3 + ["pass"])
    try:
        project = write_project(tmp_path / "proj")
        env = larder_s3_env(proxy.url)
        larder.cargo(project, "build", "-j1", env=env)
        stats = larder.stats(env=env)
        [remote] = storage(stats, "s3")
        assert proxy.faults >= 4
        assert remote["errors"] == 0 and remote["writes"] >= 2, stats
    finally:
        proxy.stop()


def test_persistent_faults_never_fail_the_build_and_are_counted(larder, s3, tmp_path):
    proxy = FaultProxy(s3.port, plan=["503"])
    try:
        project = write_project(tmp_path / "proj")
        env = larder_s3_env(proxy.url)
        build = larder.cargo(project, "build", env=env)
        assert build.returncode == 0
        stats = larder.stats(env=env)
        [remote] = storage(stats, "s3")
        assert remote["errors"] > 0 and stats["cache_errors"]["read"] > 0 and stats["cache_errors"]["write"] > 0, stats
        [local] = storage(stats, "local")
        assert local["writes"] >= 2
    finally:
        proxy.stop()


def test_a_stall_is_cut_by_the_timeout_and_retried(larder, s3):
    proxy = FaultProxy(s3.port, plan=["stall", "pass"], stall_seconds=8)
    try:
        result = larder.run("doctor", env=larder_s3_env(proxy.url), check=False)
        assert result.returncode == 0, result.stdout
        assert proxy.faults == 1
    finally:
        proxy.stop()


def test_a_dead_endpoint_decides_quickly(larder, tmp_path):
    import time
    from conftest import free_port

    project = write_project(tmp_path / "proj")
    env = larder_s3_env(f"http://127.0.0.1:{free_port()}")
    start = time.time()
    larder.cargo(project, "build", env=env)
    assert time.time() - start < 60
    [remote] = storage(larder.stats(env=env), "s3")
    assert remote["errors"] > 0


def test_wrong_region_is_corrected_and_remembered(larder, s3):
    proxy = FaultProxy(s3.port, region="eu-west-1")
    try:
        env = larder_s3_env(proxy.url, LARDER_REGION="us-east-1")
        doctor = larder.run("doctor", env=env, check=False)
        assert doctor.returncode == 0, doctor.stdout
        assert "bucket is in eu-west-1, not us-east-1" in doctor.stdout
        corrections = proxy.faults
        assert corrections >= 1
        # The next process starts in the right region.
        again = larder.run("doctor", env=env, check=False)
        assert again.returncode == 0
        assert proxy.faults == corrections
    finally:
        proxy.stop()


def test_a_skewed_clock_is_corrected(larder, tmp_path):
    """The server's clock is an hour ahead: the first request of a process is refused with
    RequestTimeTooSkewed, larder adopts the server's time and the request succeeds."""
    server = S3Server(tmp_path / "skewed", clock_offset_seconds=3600)
    try:
        project = write_project(tmp_path / "proj")
        log = tmp_path / "larder.log"
        env = larder_s3_env(server.url, LARDER_LOG="info", LARDER_LOG_FILE=str(log))
        larder.cargo(project, "build", env=env)
        stats = larder.stats(env=env)
        [remote] = storage(stats, "s3")
        assert remote["errors"] == 0 and remote["writes"] >= 2, stats
        assert "the clock differs from S3's by" in log.read_text()
        doctor = larder.run("doctor", env=env, check=False)
        assert doctor.returncode == 0, doctor.stdout
    finally:
        server.stop()
