"""HTTP/WebDAV backend against a real nginx (its dav module) on loopback, and the chain
redis,http: a hit in the later tier fills the earlier one."""
import os
import shutil

import pytest

from conftest import ServerProcess, free_port
from remote_helpers import (check_read_only, check_second_build_hits, check_server_stopped_mid_build, clean_build,
                            fresh_larder, storage_stats, write_project, LIBRARY_CRATES)

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")

USER, PASSWORD, TOKEN = "builder", "pa55word", "t0ken-abc"

NGINX_CONF = """
daemon off;
master_process off;
{user}
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log {root}/access.log;
  client_body_temp_path {root}/tmp/body;
  proxy_temp_path {root}/tmp/proxy;
  fastcgi_temp_path {root}/tmp/fastcgi;
  uwsgi_temp_path {root}/tmp/uwsgi;
  scgi_temp_path {root}/tmp/scgi;
  client_max_body_size 64m;
  server {{
    listen 127.0.0.1:{port};
    root {root}/www;
    # No create_full_put_path: larder must create missing collections with MKCOL.
    location /dav/ {{ dav_methods PUT DELETE MKCOL; dav_access user:rw all:r; }}
    location /basic/ {{
      auth_basic "larder"; auth_basic_user_file {root}/htpasswd;
      dav_methods PUT DELETE MKCOL; create_full_put_path on;
    }}
    location /bearer/ {{
      if ($http_authorization != "Bearer {token}") {{ return 401; }}
      dav_methods PUT DELETE MKCOL; create_full_put_path on;
    }}
    location /static/ {{ }}
  }}
}}
"""


def start_nginx(root):
    port = free_port()
    for sub in ("www/dav", "www/basic", "www/bearer", "www/static", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "htpasswd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, port=port, token=TOKEN,
                                      user="user root;" if os.geteuid() == 0 else ""))
    return ServerProcess(["nginx", "-c", str(conf), "-p", str(root), "-e", str(root / "error.log")], port, lifetime=600)


@pytest.fixture
def nginx(tmp_path):
    server = start_nginx(tmp_path / "nginx")
    yield server
    server.stop()


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path / "project")


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_second_clean_build_hits_from_webdav_creating_collections(tmp_path, project, nginx):
    url = f"http://127.0.0.1:{nginx.port}/dav/team/larder"
    check_second_build_hits(tmp_path, project, url, "http")
    www = tmp_path / "nginx" / "www" / "dav" / "team" / "larder"
    assert len(stored_files(www)) >= LIBRARY_CRATES


def test_basic_and_bearer_auth(tmp_path, nginx):
    base = f"127.0.0.1:{nginx.port}"
    for name, url in (("basic", f"http://{USER}:{PASSWORD}@{base}/basic/c"),
                      ("bearer", f"http://{base}/bearer/c?token={TOKEN}")):
        larder = fresh_larder(tmp_path, name, url)
        assert PASSWORD not in larder.run("config").stdout and TOKEN not in larder.run("config").stdout
        report = larder.run("doctor", check=False)
        assert report.returncode == 0, report.stdout
        assert PASSWORD not in report.stdout and TOKEN not in report.stdout
    for name, url in (("nobasic", f"http://{USER}:wrong@{base}/basic/c"),
                      ("nobearer", f"http://{base}/bearer/c?token=wrong")):
        report = fresh_larder(tmp_path, name, url).run("doctor", check=False)
        assert report.returncode == 1 and "authentication failed" in report.stdout, report.stdout


def test_doctor_explains_put_refusal_and_refused_connection(tmp_path, nginx):
    report = fresh_larder(tmp_path, "static", f"http://127.0.0.1:{nginx.port}/static/c").run("doctor", check=False)
    assert report.returncode == 1 and "HTTP 405 on PUT" in report.stdout, report.stdout
    report = fresh_larder(tmp_path, "refused", f"http://127.0.0.1:{free_port()}/c").run("doctor", check=False)
    assert report.returncode == 1 and "connection refused" in report.stdout.lower(), report.stdout


def test_read_only_writes_nothing(tmp_path, project, nginx):
    check_read_only(tmp_path, project, f"http://127.0.0.1:{nginx.port}/dav/ro", "http")
    assert stored_files(tmp_path / "nginx" / "www" / "dav") == []


def test_server_stopped_mid_build_keeps_the_build_green(tmp_path, project, nginx):
    check_server_stopped_mid_build(tmp_path, project, f"http://127.0.0.1:{nginx.port}/dav/c", "http", nginx)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_chain_redis_http_fills_redis_on_an_http_hit(tmp_path, project, nginx):
    port = free_port()
    (tmp_path / "redis").mkdir()
    redis = ServerProcess(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                           "--appendonly", "no", "--dir", str(tmp_path / "redis")], port, lifetime=600)
    try:
        http_url = f"http://127.0.0.1:{nginx.port}/dav/chain"
        redis_url = f"redis://127.0.0.1:{port}"
        clean_build(fresh_larder(tmp_path, "http-only", http_url), project)  # only the http tier has objects

        chained = fresh_larder(tmp_path, "chain", f"{redis_url},{http_url}")
        clean_build(chained, project)
        stats = chained.stats()
        assert stats["cache_misses"] == 0, stats
        assert storage_stats(stats, "redis")["misses"] >= LIBRARY_CRATES, stats
        assert storage_stats(stats, "http")["hits"] >= LIBRARY_CRATES, stats
        assert storage_stats(stats, "redis")["writes"] >= LIBRARY_CRATES, stats  # filled from http

        # Redis alone now serves a clean build.
        redis_only = fresh_larder(tmp_path, "redis-only", redis_url)
        clean_build(redis_only, project)
        stats = redis_only.stats()
        assert stats["cache_misses"] == 0 and storage_stats(stats, "redis")["hits"] >= LIBRARY_CRATES, stats
    finally:
        redis.stop()


def test_silent_server_times_out_in_seconds(tmp_path, project):
    from remote_helpers import SilentServer, check_silent_server_costs_seconds
    silent = SilentServer()
    try:
        check_silent_server_costs_seconds(tmp_path, project, f"http://127.0.0.1:{silent.port}/c?timeout=1s&retries=0", "http")
    finally:
        silent.stop()
