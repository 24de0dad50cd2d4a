"""A local GitHub Actions cache service: the v1 REST API that @actions/cache speaks at
ACTIONS_CACHE_URL (also what GitHub Enterprise Server serves), on 127.0.0.1 with a port chosen at
run time, in a thread of the test process.

  GET   _apis/artifactcache/cache?keys=K1,K2&version=V   lookup: 200 {cacheKey, archiveLocation, …} or 204
  POST  _apis/artifactcache/caches {key, version, cacheSize}   reserve: 201 {cacheId}, 409 if taken
  PATCH _apis/artifactcache/caches/ID   Content-Range: bytes S-E/*   one chunk of the archive
  POST  _apis/artifactcache/caches/ID {size}   commit: the chunks must add up to `size`
  GET   archives/ID   the archive (the archiveLocation of a lookup)

With an Azurite blob endpoint it also serves the v2 service @actions/cache speaks when
ACTIONS_CACHE_SERVICE_V2 is set (github.com's), Twirp with JSON at ACTIONS_RESULTS_URL, the
archives up- and downloaded by the client itself through signed (SAS) URLs of Azurite blobs:

  POST twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL {key, restore_keys, version}
  POST twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry {key, version}
  POST twirp/github.actions.results.api.v1.CacheService/FinalizeCacheEntryUpload {key, version, size_bytes}

Scopes follow GitHub's rules: every run has a token (ACTIONS_RUNTIME_TOKEN) naming the ref it
writes to and the refs it may read, in search order (its own, then the base and default
branches); within a scope a key matches exactly first, then as a prefix of the newest entry."""
import base64
import datetime
import hashlib
import hmac
import http.server
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse
from urllib.request import Request, urlopen

API = "/_apis/artifactcache/"
TWIRP = "/twirp/github.actions.results.api.v1.CacheService/"
# Azurite's well-known development account (public, documented by Microsoft).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
CONTAINER = "actions-cache"


def account_sas(permissions: str) -> str:
    """An account SAS (version 2019-12-12) for Azurite's development account, valid for a day."""
    expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = {"sv": "2019-12-12", "ss": "b", "srt": "sco", "sp": permissions, "se": expiry, "spr": "http"}
    to_sign = "\n".join([AZURITE_ACCOUNT, permissions, "b", "sco", "", expiry, "", "http", "2019-12-12", ""])
    signature = hmac.new(base64.b64decode(AZURITE_KEY), to_sign.encode(), hashlib.sha256).digest()
    return urlencode({**fields, "sig": base64.b64encode(signature).decode()})
CHUNK_RANGE = re.compile(r"^bytes (\d+)-(\d+)/\*$")


@dataclass
class Entry:
    id: int
    key: str
    version: str
    scope: str
    size: int
    path: Path
    created: float
    committed: bool = False
    chunks: list = field(default_factory=list)  # (start, end) as received


class ActionsCacheService:
    def __init__(self, folder: Path, azurite_blob_port: int = None):
        self.folder = folder
        self.blobs = f"http://127.0.0.1:{azurite_blob_port}/{AZURITE_ACCOUNT}/{CONTAINER}" if azurite_blob_port else None
        if self.blobs:
            urlopen(Request(f"{self.blobs}?restype=container&{account_sas('rwc')}", method="PUT"), timeout=30).close()
        folder.mkdir(parents=True, exist_ok=True)
        self.entries: list[Entry] = []
        self.requests: list[tuple[str, str, str]] = []  # (runtime token, method, path)
        self.tokens: dict[str, tuple[str, list[str]]] = {}
        self.lock = threading.Lock()
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                service._dispatch(self, "GET")

            def do_POST(self):
                service._dispatch(self, "POST")

            def do_PATCH(self):
                service._dispatch(self, "PATCH")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def token_for(self, ref: str, readable=()) -> str:
        """A runtime token for a run on `ref` that may also read the caches of `readable`."""
        token = uuid.uuid4().hex
        self.tokens[token] = (ref, [ref, *[r for r in readable if r != ref]])
        return token

    def committed(self) -> list:
        with self.lock:
            return [e for e in self.entries if e.committed]

    # --- protocol ---------------------------------------------------------------------------

    def _dispatch(self, request, method):
        url = urlparse(request.path)
        body = self._body(request)
        if url.path.startswith("/archives/"):
            return self._download(request, url.path.rsplit("/", 1)[1])
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        scope = self.tokens.get(token)
        if scope is None:
            return self._reply(request, 401, {"message": "no valid runtime token"})
        with self.lock:
            self.requests.append((token, method, url.path))
        if url.path.startswith(TWIRP) and method == "POST" and self.blobs:
            return self._twirp(request, scope, url.path[len(TWIRP):], json.loads(body or b"{}"))
        if not url.path.startswith(API):
            return self._reply(request, 404, {"message": "not found"})
        if "api-version=6.0-preview.1" not in request.headers.get("Accept", ""):
            return self._reply(request, 400, {"message": "Accept must name api-version=6.0-preview.1"})
        resource = url.path[len(API):]
        if method == "GET" and resource == "cache":
            query = parse_qs(url.query)
            return self._lookup(request, scope, query.get("keys", [""])[0].split(","), query.get("version", [""])[0])
        if method == "POST" and resource == "caches":
            return self._reserve(request, scope, json.loads(body or b"{}"))
        match = re.fullmatch(r"caches/(\d+)", resource)
        if match and method == "PATCH":
            return self._chunk(request, scope, int(match.group(1)), body)
        if match and method == "POST":
            return self._commit(request, scope, int(match.group(1)), json.loads(body or b"{}"))
        return self._reply(request, 404, {"message": f"no {method} {resource}"})

    def _find(self, scope, keys, version):
        """The entry the keys match in the scopes the token may read, searched in order."""
        with self.lock:
            for ref in scope[1]:
                candidates = [e for e in self.entries if e.committed and e.scope == ref and e.version == version]
                for key in keys:
                    exact = [e for e in candidates if e.key == key]
                    prefixed = sorted((e for e in candidates if e.key.startswith(key)), key=lambda e: e.created)
                    found = exact[-1] if exact else (prefixed[-1] if prefixed else None)
                    if found:
                        return found
        return None

    def _new_entry(self, scope, key, version, size):
        """A reservation, or None when the scope already has the key and version."""
        with self.lock:
            if any(e.key == key and e.version == version and e.scope == scope[0] for e in self.entries):
                return None
            entry = Entry(len(self.entries) + 1, key, version, scope[0], size,
                          self.folder / f"{len(self.entries) + 1}.archive", time.time())
            entry.path.write_bytes(b"")
            self.entries.append(entry)
            return entry

    def _lookup(self, request, scope, keys, version):
        found = self._find(scope, keys, version)
        if found is None:
            return self._reply(request, 204, None)
        return self._reply(request, 200, {
            "cacheKey": found.key, "scope": found.scope, "cacheVersion": found.version,
            "creationTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(found.created)),
            "archiveLocation": f"{self.url}archives/{found.id}",
        })

    def _reserve(self, request, scope, body):
        key, version = body.get("key"), body.get("version")
        if not key or not version:
            return self._reply(request, 400, {"message": "key and version are required"})
        entry = self._new_entry(scope, key, version, int(body.get("cacheSize") or 0))
        if entry is None:
            return self._reply(request, 409, {"message": f"Cache already exists. Scope: {scope[0]}, Key: {key}"})
        return self._reply(request, 201, {"cacheId": entry.id})

    # v2: the archive itself goes to and comes from Azurite, through SAS URLs.
    def _twirp(self, request, scope, method, body):
        key, version = body.get("key"), body.get("version")
        if method == "GetCacheEntryDownloadURL":
            found = self._find(scope, [key, *body.get("restore_keys", [])], version)
            if found is None:
                return self._reply(request, 200, {"ok": False})
            return self._reply(request, 200, {"ok": True, "matched_key": found.key,
                                              "signed_download_url": f"{self.blobs}/{found.id}?{account_sas('r')}"})
        if method == "CreateCacheEntry":
            entry = self._new_entry(scope, key, version, 0)
            if entry is None:
                return self._reply(request, 200, {"ok": False, "message": f"cache entry {key} already exists"})
            return self._reply(request, 200, {"ok": True, "signed_upload_url": f"{self.blobs}/{entry.id}?{account_sas('cw')}"})
        if method == "FinalizeCacheEntryUpload":
            with self.lock:
                pending = [e for e in self.entries if e.key == key and e.version == version and e.scope == scope[0]
                           and not e.committed]
            if not pending:
                return self._reply(request, 200, {"ok": False, "message": "no such reservation"})
            entry = pending[0]
            with urlopen(f"{self.blobs}/{entry.id}?{account_sas('r')}", timeout=60) as blob:
                data = blob.read()
            if len(data) != int(body.get("size_bytes") or -1):
                return self._reply(request, 200, {"ok": False, "message": f"{len(data)} bytes uploaded"})
            entry.path.write_bytes(data)
            with self.lock:
                entry.size, entry.committed, entry.created = len(data), True, time.time()
            return self._reply(request, 200, {"ok": True, "entry_id": str(entry.id)})
        return self._reply(request, 404, {"code": "bad_route", "msg": f"no method {method}"})

    def _owned(self, scope, cache_id):
        matches = [e for e in self.entries if e.id == cache_id and e.scope == scope[0] and not e.committed]
        return matches[0] if matches else None

    def _chunk(self, request, scope, cache_id, body):
        match = CHUNK_RANGE.match(request.headers.get("Content-Range", ""))
        with self.lock:
            entry = self._owned(scope, cache_id)
            if entry is None:
                return self._reply(request, 404, {"message": "no such reservation"})
            if not match or int(match.group(2)) - int(match.group(1)) + 1 != len(body):
                return self._reply(request, 400, {"message": "Content-Range does not match the body"})
            start = int(match.group(1))
            with open(entry.path, "r+b") as f:
                f.seek(start)
                f.write(body)
            entry.chunks.append((start, start + len(body) - 1))
        return self._reply(request, 204, None)

    def _commit(self, request, scope, cache_id, body):
        with self.lock:
            entry = self._owned(scope, cache_id)
            if entry is None:
                return self._reply(request, 404, {"message": "no such reservation"})
            received = sum(end - start + 1 for start, end in entry.chunks)
            if received != body.get("size") or entry.path.stat().st_size != received:
                return self._reply(request, 400, {"message": f"size {body.get('size')} but {received} bytes received"})
            entry.size = received
            entry.committed = True
            entry.created = time.time()
        return self._reply(request, 204, None)

    def _download(self, request, cache_id):
        entries = [e for e in self.committed() if str(e.id) == cache_id]
        if not entries:
            return self._reply(request, 404, None)
        data = entries[0].path.read_bytes()
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    @staticmethod
    def _body(request) -> bytes:
        """The request body: Content-Length, or chunked (how @actions/http-client streams chunks)."""
        if request.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(request.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while request.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return body
                body += request.rfile.read(size)
                request.rfile.readline()
        length = int(request.headers.get("Content-Length") or 0)
        return request.rfile.read(length) if length else b""

    @staticmethod
    def _reply(request, status, payload):
        data = b"" if payload is None else json.dumps(payload).encode()
        request.send_response(status)
        if payload is not None:
            request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
