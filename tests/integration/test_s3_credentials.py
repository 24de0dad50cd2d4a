"""The AWS credential chain against loopback fakes that speak the real wire formats: STS
AssumeRoleWithWebIdentity (form POST, XML answer), container credentials (JSON with an
authorization token) and IMDSv2 (token PUT, then GETs). Endpoints are overridden only through
the standard AWS SDK variables; no test reaches a real metadata address."""
import json
import os
import pty
import stat
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from s3_support import S3Server, s3rver_available
from test_s3 import write_project

EXPIRY = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))


class Fakes(BaseHTTPRequestHandler):
    calls = None  # {kind: count}, set per server

    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _count(self, kind):
        self.server.calls[kind] = self.server.calls.get(kind, 0) + 1

    def do_POST(self):  # STS
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        self._count("sts")
        if form.get("Action") != ["AssumeRoleWithWebIdentity"] or form.get("WebIdentityToken") != ["oidc-token"]:
            self._send(400, "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>bad token</Message></Error></ErrorResponse>", "text/xml")
            return
        self.server.last_session = form.get("RoleSessionName", [""])[0]
        self._send(
            200,
            f"""<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>ASIASTS</AccessKeyId>
      <SecretAccessKey>sts-secret</SecretAccessKey>
      <SessionToken>sts-token</SessionToken>
      <Expiration>{EXPIRY}</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>""",
            "text/xml",
        )

    def do_PUT(self):  # IMDSv2 token
        self._count("imds-token")
        if self.path != "/latest/api/token" or not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            self._send(400, "")
            return
        self._send(200, "imds-session", "text/plain")

    def do_GET(self):
        if self.path.startswith("/creds"):
            self._count("container")
            if self.headers.get("Authorization") != "container-auth":
                self._send(401, "")
                return
            self._send(200, json.dumps({"AccessKeyId": "ASIACONT", "SecretAccessKey": "cont-secret", "Token": "cont-token", "Expiration": EXPIRY}))
            return
        self._count("imds")
        if self.headers.get("X-aws-ec2-metadata-token") != "imds-session":
            self._send(401, "")
        elif self.path == "/latest/meta-data/iam/security-credentials/":
            self._send(200, "ci-role", "text/plain")
        elif self.path == "/latest/meta-data/iam/security-credentials/ci-role":
            self._send(200, json.dumps({"Code": "Success", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "imds-secret", "Token": "imds-token", "Expiration": EXPIRY}))
        else:
            self._send(404, "")


@pytest.fixture
def fake():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Fakes)
    server.calls = {}
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def clean_env(larder, tmp_path, **extra):
    """No AWS variable from the outside, a HOME without ~/.aws, and no real metadata service."""
    for key in [k for k in larder.env if k.startswith("AWS_")]:
        del larder.env[key]
    larder.env["HOME"] = str(tmp_path / "home")
    # Temporary credentials are kept in the temp folder when there is no runtime folder.
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env = {"AWS_EC2_METADATA_DISABLED": "true", "TMPDIR": str(tmp_path / "tmp")}
    env.update(extra)
    return env


def export(larder, env, fmt="json"):
    result = larder.run("credentials", "export", "--format", fmt, env=env, check=False)
    return result


def test_environment_with_session_token(larder, tmp_path):
    env = clean_env(larder, tmp_path, AWS_ACCESS_KEY_ID="AKIAENV", AWS_SECRET_ACCESS_KEY="env-secret", AWS_SESSION_TOKEN="env-token")
    result = export(larder, env, "env")
    assert result.returncode == 0, result.stderr
    assert "AWS_ACCESS_KEY_ID=AKIAENV\nAWS_SECRET_ACCESS_KEY=env-secret\nAWS_SESSION_TOKEN=env-token\n" == result.stdout
    assert "environment" in result.stderr and "env-secret" not in result.stderr


def test_profiles_from_shared_files(larder, tmp_path):
    creds = tmp_path / "credentials"
    creds.write_text("[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = def-secret\n\n[ci]\naws_access_key_id = AKIACI\naws_secret_access_key = ci-secret\naws_session_token = ci-token\n")
    config = tmp_path / "config"
    config.write_text("[profile other]\nregion = eu-north-1\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other-secret\n")
    env = clean_env(larder, tmp_path, AWS_SHARED_CREDENTIALS_FILE=str(creds), AWS_CONFIG_FILE=str(config))
    assert json.loads(export(larder, env).stdout)["AccessKeyId"] == "AKIADEF"
    ci = json.loads(export(larder, dict(env, AWS_PROFILE="ci")).stdout)
    assert (ci["AccessKeyId"], ci["SessionToken"]) == ("AKIACI", "ci-token")
    ini = export(larder, dict(env, AWS_PROFILE="other"), "ini")
    assert "aws_access_key_id = AKIAOTHER" in ini.stdout
    missing = export(larder, dict(env, AWS_PROFILE="nope"))
    assert missing.returncode == 1 and "profile 'nope'" in missing.stderr


def private_folder(path):
    path.mkdir(mode=0o700, parents=True)
    path.chmod(0o700)
    return path


def test_web_identity_through_sts_is_cached_with_mode_0600_in_the_runtime_folder(larder, tmp_path, fake):
    token = tmp_path / "oidc"
    token.write_text("oidc-token\n")
    runtime = private_folder(tmp_path / "run")
    env = clean_env(larder, tmp_path, AWS_WEB_IDENTITY_TOKEN_FILE=str(token), AWS_ROLE_ARN="arn:aws:iam::123456789012:role/ci",
                    AWS_ROLE_SESSION_NAME="gha-run", AWS_ENDPOINT_URL_STS=fake.url, XDG_RUNTIME_DIR=str(runtime))
    first = export(larder, env)
    assert first.returncode == 0, first.stderr
    got = json.loads(first.stdout)
    assert (got["AccessKeyId"], got["SecretAccessKey"], got["SessionToken"]) == ("ASIASTS", "sts-secret", "sts-token")
    assert "Expiration" in got and fake.last_session == "gha-run"
    assert "web identity" in first.stderr
    # A second process reuses the cached credentials instead of calling STS again.
    second = export(larder, env)
    assert json.loads(second.stdout)["AccessKeyId"] == "ASIASTS"
    assert fake.calls["sts"] == 1
    cached = list((runtime / "larder").glob("credentials-*.json"))
    assert cached and stat.S_IMODE(os.stat(cached[0]).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(runtime / "larder").st_mode) == 0o700
    assert not (larder.dir / "memo" / "aws").exists()


def test_web_identity_refusal_is_explained(larder, tmp_path, fake):
    token = tmp_path / "oidc"
    token.write_text("wrong-token")
    env = clean_env(larder, tmp_path, AWS_WEB_IDENTITY_TOKEN_FILE=str(token), AWS_ROLE_ARN="arn:aws:iam::1:role/ci", AWS_ENDPOINT_URL_STS=fake.url)
    result = export(larder, env)
    assert result.returncode == 1
    assert "InvalidIdentityToken" in result.stderr


def test_container_credentials_with_token_file(larder, tmp_path, fake):
    token = tmp_path / "auth"
    token.write_text("container-auth")
    env = clean_env(larder, tmp_path, AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.url + "/creds", AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token))
    got = json.loads(export(larder, env).stdout)
    assert (got["AccessKeyId"], got["SessionToken"]) == ("ASIACONT", "cont-token")
    # The token from the variable works too.
    env2 = clean_env(larder, tmp_path, AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.url + "/creds?x=2", AWS_CONTAINER_AUTHORIZATION_TOKEN="container-auth")
    assert json.loads(export(larder, env2).stdout)["AccessKeyId"] == "ASIACONT"


def test_imds_v2(larder, tmp_path, fake):
    env = clean_env(larder, tmp_path)
    env.pop("AWS_EC2_METADATA_DISABLED")
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = fake.url
    result = export(larder, env)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert (got["AccessKeyId"], got["SessionToken"]) == ("ASIAIMDS", "imds-token")
    assert fake.calls["imds-token"] == 1 and "IMDSv2" in result.stderr


def test_no_credentials_says_what_was_tried(larder, tmp_path):
    result = export(larder, clean_env(larder, tmp_path))
    assert result.returncode == 1 and "no AWS credentials found" in result.stderr


def test_secrets_never_in_logs(larder, tmp_path, fake):
    token = tmp_path / "oidc"
    token.write_text("oidc-token")
    env = clean_env(larder, tmp_path, AWS_WEB_IDENTITY_TOKEN_FILE=str(token), AWS_ROLE_ARN="arn:aws:iam::1:role/ci",
                    AWS_ENDPOINT_URL_STS=fake.url, LARDER_LOG="trace", LARDER_BUCKET="larder",
                    LARDER_ENDPOINT=fake.url, LARDER_S3_PATH_STYLE="1")
    result = larder.run("doctor", env=env, check=False)
    text = result.stdout + result.stderr
    for secret in ("sts-secret", "sts-token", "oidc-token"):
        assert secret not in text
    assert "web identity" in text


def web_identity_env(larder, tmp_path, fake, **extra):
    token = tmp_path / "oidc"
    token.write_text("oidc-token")
    return clean_env(larder, tmp_path, AWS_WEB_IDENTITY_TOKEN_FILE=str(token), AWS_ROLE_ARN="arn:aws:iam::1:role/ci",
                     AWS_ENDPOINT_URL_STS=fake.url, **extra)


def test_without_a_runtime_folder_a_private_folder_in_tmpdir_is_used(larder, tmp_path, fake):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = web_identity_env(larder, tmp_path, fake, TMPDIR=str(temp))
    env["XDG_RUNTIME_DIR"] = str(tmp_path / "missing")
    assert export(larder, env).returncode == 0
    assert export(larder, env).returncode == 0
    folder = temp / f"larder-{os.geteuid()}"
    assert stat.S_IMODE(os.lstat(folder).st_mode) == 0o700 and os.lstat(folder).st_uid == os.geteuid()
    assert list(folder.glob("credentials-*.json"))
    assert fake.calls["sts"] == 1


@pytest.mark.parametrize("trap", ["symlink", "group-writable", "another-owner"])
def test_an_unsafe_temp_folder_is_never_used(larder, tmp_path, fake, trap):
    """Someone else may have made /tmp/larder-<uid> first: then credentials stay in memory."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    folder = temp / f"larder-{os.geteuid()}"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    if trap == "symlink":
        folder.symlink_to(elsewhere)
    else:
        folder.mkdir(mode=0o700)
        if trap == "group-writable":
            folder.chmod(0o770)
        else:
            os.chown(folder, 12345, 12345)
    # A runtime folder that others can enter is not private either.
    shared_runtime = tmp_path / "run"
    shared_runtime.mkdir()
    shared_runtime.chmod(0o755)
    env = web_identity_env(larder, tmp_path, fake, TMPDIR=str(temp), XDG_RUNTIME_DIR=str(shared_runtime))
    for _ in range(2):
        result = export(larder, env)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["AccessKeyId"] == "ASIASTS"
    assert fake.calls["sts"] == 2  # nothing was kept between the processes
    assert not list(elsewhere.iterdir())
    if trap != "symlink":
        assert not list(folder.iterdir())
    assert not (shared_runtime / "larder").exists()


SECRETS = {
    "web-identity": ("ASIASTS", "sts-secret", "sts-token", "oidc-token"),
    "container": ("ASIACONT", "cont-secret", "cont-token", "container-auth"),
}


@pytest.mark.skipif(not s3rver_available(), reason="s3rver is not installed (scripts/install-deps.sh)")
@pytest.mark.parametrize("provider", sorted(SECRETS))
def test_temporary_credentials_never_reach_larder_dir(larder, tmp_path, fake, provider):
    """A real build against the S3 test server with credentials from a role provider: no secret
    is written anywhere under LARDER_DIR (which CI caches archive), and an old release's
    memo/aws folder is removed."""
    key_id, secret, session_token, provider_token = SECRETS[provider]
    server = S3Server(tmp_path, key_pairs=[(key_id, secret)])
    try:
        home = Path(larder.env["HOME"])
        toolchain = {"RUSTUP_HOME": larder.env.get("RUSTUP_HOME", str(home / ".rustup")),
                     "CARGO_HOME": larder.env.get("CARGO_HOME", str(home / ".cargo"))}
        runtime = private_folder(tmp_path / "run")
        storage_env = dict(LARDER_BUCKET="larder", LARDER_ENDPOINT=server.url, LARDER_S3_PATH_STYLE="1",
                           XDG_RUNTIME_DIR=str(runtime), **toolchain)
        if provider == "web-identity":
            env = web_identity_env(larder, tmp_path, fake, **storage_env)
        else:
            token = tmp_path / "auth"
            token.write_text(provider_token)
            env = clean_env(larder, tmp_path, AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.url + "/creds",
                            AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token), **storage_env)
        legacy = larder.dir / "memo" / "aws"
        legacy.mkdir(parents=True)
        (legacy / "credentials-0123.json").write_text('{"secret_access_key": "old-release-secret"}')

        project = write_project(tmp_path / "proj")
        larder.cargo(project, "build", env=env)
        [remote] = [s for s in larder.stats(env=env)["storage"] if s["name"] == "s3"]
        assert remote["writes"] >= 2 and remote["errors"] == 0, remote
        assert list((runtime / "larder").glob("credentials-*.json")), "the credentials were kept between processes"

        assert not legacy.exists()
        files = [p for p in larder.dir.rglob("*") if p.is_file()]
        assert len(files) > 10
        for path in files:
            data = path.read_bytes()
            for text in (secret, session_token, provider_token, "old-release-secret"):
                assert text.encode() not in data, f"{text} in {path}"
    finally:
        server.stop()


def run_on_terminal(larder, env, *args):
    """`larder credentials export ARGS` with its stdout on a pseudo-terminal: (exit status,
    what reached the terminal, stderr)."""
    main, secondary = pty.openpty()
    try:
        result = subprocess.run([str(larder.bin), "credentials", "export", *args], env=dict(larder.env, **env),
                                stdout=secondary, stderr=subprocess.PIPE, text=True, timeout=60)
        os.close(secondary)
        secondary = None
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the terminal closed
                break
            if not chunk:
                break
            shown += chunk
        return result.returncode, shown.decode(), result.stderr
    finally:
        os.close(main)
        if secondary is not None:
            os.close(secondary)


def test_export_refuses_a_terminal_unless_asked(larder, tmp_path):
    env = clean_env(larder, tmp_path, AWS_ACCESS_KEY_ID="AKIATTY", AWS_SECRET_ACCESS_KEY="tty-secret")
    status, shown, err = run_on_terminal(larder, env, "--format", "env")
    assert status == 2 and "tty-secret" not in shown + err
    assert "not printing AWS credentials to a terminal" in err and "--output FILE" in err and "--stdout" in err

    status, shown, _ = run_on_terminal(larder, env, "--format", "env", "--stdout")
    assert status == 0 and "AWS_SECRET_ACCESS_KEY=tty-secret" in shown

    target = tmp_path / "secret.ini"
    status, shown, err = run_on_terminal(larder, env, "--format", "ini", "--output", str(target))
    assert status == 0 and "tty-secret" not in shown + err
    assert "aws_secret_access_key = tty-secret" in target.read_text()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600

    # A pipe or a redirected file is what CI glue uses: unchanged.
    piped = export(larder, env, "env")
    assert piped.returncode == 0 and "AWS_SECRET_ACCESS_KEY=tty-secret" in piped.stdout
