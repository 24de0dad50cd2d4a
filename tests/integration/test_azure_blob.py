"""Azure Blob backend against Azurite (npm, tests/tools/azurite) on loopback: SharedKey
signing with an account key or a connection string, container creation, read-only, a server
stopped mid-build."""
import shutil

import pytest

from conftest import REPO, ServerProcess, free_port
from remote_helpers import (check_read_only, check_second_build_hits, check_server_stopped_mid_build, fresh_larder,
                            write_project)

AZURITE = REPO / "tests" / "tools" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
pytestmark = pytest.mark.skipif(not AZURITE.exists() or shutil.which("node") is None,
                                reason="Azurite is not installed (scripts/install-deps.sh)")

# Azurite's well-known development account (public, documented by Microsoft).
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


@pytest.fixture
def azurite(tmp_path):
    port = free_port()
    data = tmp_path / "azurite"
    data.mkdir()
    server = ServerProcess([str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location", str(data),
                            "--silent", "--skipApiVersionCheck"], port, lifetime=600)
    yield server
    server.stop()


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path / "project")


def endpoint(server):
    return f"http://127.0.0.1:{server.port}/{ACCOUNT}"


def with_key(url):
    return url, {"AZURE_STORAGE_KEY": KEY}


def test_second_clean_build_hits_from_azure_with_a_connection_string(tmp_path, project, azurite, monkeypatch):
    # The connection string names the endpoint; the container is created by the first write.
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING",
                       f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                       f"BlobEndpoint={endpoint(azurite)};")
    check_second_build_hits(tmp_path, project, f"azblob://{ACCOUNT}/larder-cache/ci", "azblob")
    blobs = list((tmp_path / "azurite").rglob("*"))
    assert blobs


def test_account_key_doctor_and_wrong_key(tmp_path, azurite):
    url = f"azblob://{ACCOUNT}/probe?endpoint={endpoint(azurite)}"
    larder = fresh_larder(tmp_path, "key", url, AZURE_STORAGE_KEY=KEY)
    report = larder.run("doctor", check=False)
    assert report.returncode == 0, report.stdout
    assert KEY not in report.stdout and "AZURE_STORAGE_KEY" in report.stdout
    wrong = fresh_larder(tmp_path, "wrong", url, AZURE_STORAGE_KEY="A" * 86 + "==")
    report = wrong.run("doctor", check=False)
    assert report.returncode == 1 and "HTTP 403" in report.stdout and "authentication failed" in report.stdout
    bad = fresh_larder(tmp_path, "bad", f"azblob://{ACCOUNT}/x?endpoint={endpoint(azurite)}").run("doctor", check=False)
    assert bad.returncode == 1 and "3 to 63 lower-case letters" in bad.stdout


def test_read_only_and_server_stopped_mid_build(tmp_path, project, azurite, monkeypatch):
    monkeypatch.setenv("AZURE_STORAGE_KEY", KEY)
    url = f"azblob://{ACCOUNT}/read-only?endpoint={endpoint(azurite)}"
    check_read_only(tmp_path, project, url, "azblob")
    check_server_stopped_mid_build(tmp_path, project, f"azblob://{ACCOUNT}/stopped?endpoint={endpoint(azurite)}",
                                   "azblob", azurite)
