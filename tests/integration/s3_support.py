"""Loopback servers for the S3 tests: s3rver (verifies SigV4), a fault-injecting proxy, and the
AWS CLI pointed at the same server. Everything listens on 127.0.0.1 and stops by itself."""
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from conftest import REPO, ServerProcess, free_port

TOOLS = REPO / "tests" / "tools"
ACCESS_KEY = "S3RVER"  # s3rver's built-in account
SECRET_KEY = "S3RVER"


def s3rver_available() -> bool:
    return shutil.which("node") is not None and (TOOLS / "node_modules" / "@20minutes" / "s3rver").is_dir()


class S3Server:
    def __init__(self, tmp: Path, buckets=("larder",), clock_offset_seconds=0, key_pairs=()):
        """key_pairs: (access key id, secret) pairs accepted beside the built-in account."""
        self.port = free_port()
        self.directory = tmp / "s3rver-data"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = ServerProcess(
            ["node", str(TOOLS / "s3rver-main.js"), str(self.port), str(self.directory), ",".join(buckets)],
            self.port,
            cwd=str(TOOLS),
            env=dict(os.environ, S3RVER_CLOCK_OFFSET_SECONDS=str(clock_offset_seconds),
                     S3RVER_KEY_PAIRS=",".join(f"{key}:{secret}" for key, secret in key_pairs)),
            lifetime=600,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.process.stop()


def larder_s3_env(endpoint: str, bucket="larder", **extra) -> dict:
    env = {
        "LARDER_BUCKET": bucket,
        "LARDER_ENDPOINT": endpoint,
        "LARDER_S3_PATH_STYLE": "1",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        # Never let the credential chain reach a real metadata service.
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    env.update(extra)
    return env


def aws_cli(server_url: str, *args, tmp: Path) -> subprocess.CompletedProcess:
    """Debian's AWS CLI against the test server."""
    aws = "/usr/bin/aws" if Path("/usr/bin/aws").exists() else shutil.which("aws")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp),
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }
    return subprocess.run([aws, "--endpoint-url", server_url, *args], env=env, capture_output=True, text=True, timeout=120)


class FaultProxy:
    """A loopback HTTP proxy in front of s3rver. `plan` is a list of actions taken by the
    requests in turn (the last one repeats): pass, 500, 503 (SlowDown), reset, stall, truncate.
    `region` makes it answer like AWS for a bucket in that region when a request is signed for
    another one."""

    def __init__(self, upstream_port: int, plan=("pass",), region=None, stall_seconds=6.0):
        self.upstream_port = upstream_port
        self.plan = list(plan)
        self.region = region
        self.stall_seconds = stall_seconds
        self.requests = 0
        self.faults = 0
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.stopped = False
        self.deadline = time.time() + 600  # stops by itself
        threading.Thread(target=self._serve, daemon=True).start()

    def stop(self):
        self.stopped = True
        try:
            self.sock.close()
        except OSError:
            pass

    def _next_action(self):
        with self.lock:
            index = min(self.requests, len(self.plan) - 1)
            self.requests += 1
            action = self.plan[index] if index < len(self.plan) else self.plan[-1]
            if action != "pass":
                self.faults += 1
            return action

    def _serve(self):
        self.sock.settimeout(0.5)
        while not self.stopped and time.time() < self.deadline:
            try:
                client, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    @staticmethod
    def _read_request(conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        length = int(match.group(1)) if match else 0
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return head, body

    @staticmethod
    def _error(status, reason, code, extra_headers=b"", extra_xml=""):
        body = f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{reason}</Message>{extra_xml}</Error>'.encode()
        return (
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {len(body)}\r\nConnection: close\r\n".encode()
            + extra_headers
            + b"\r\n"
            + body
        )

    def _forward(self, head, body):
        with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30) as upstream:
            lines = head.split(b"\r\n")
            lines = [l for l in lines if not l.lower().startswith(b"connection:")] + [b"Connection: close"]
            upstream.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
            response = b""
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                response += chunk
        return response

    def _handle(self, conn):
        with conn:
            conn.settimeout(30)
            request = self._read_request(conn)
            if request is None:
                return
            head, body = request
            if self.region:
                match = re.search(rb"Credential=[^/]+/\d+/([^/]+)/s3/", head)
                if match and match.group(1).decode() != self.region:
                    with self.lock:
                        self.faults += 1
                    hint = f"x-amz-bucket-region: {self.region}\r\n".encode()
                    if head.startswith(b"HEAD "):
                        conn.sendall(b"HTTP/1.1 301 Moved Permanently\r\nContent-Length: 0\r\nConnection: close\r\n" + hint + b"\r\n")
                    else:
                        conn.sendall(self._error(400, "Bad Request", "AuthorizationHeaderMalformed", hint,
                                                 f"<Region>{self.region}</Region>"))
                    return
            action = self._next_action()
            if action == "500":
                conn.sendall(self._error(500, "Internal Server Error", "InternalError"))
            elif action == "503":
                conn.sendall(self._error(503, "Slow Down", "SlowDown"))
            elif action == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            elif action == "stall":
                time.sleep(self.stall_seconds)
            elif action == "truncate":
                response = self._forward(head, body)
                resp_head, _, resp_body = response.partition(b"\r\n\r\n")
                if len(resp_body) > 1:
                    conn.sendall(resp_head + b"\r\n\r\n" + resp_body[: len(resp_body) // 2])
                else:  # nothing to cut: drop the connection instead
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            else:
                conn.sendall(self._forward(head, body))
