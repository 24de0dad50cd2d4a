"""A reader and writer of larder's cache objects (docs/design.md, "Storage format"), for tests
that damage or craft objects the way a faulty storage or a hostile writer could.

An object is: magic "LRDR", a type byte ('E' entry, 'M' manifest), the format version, the
payload size (u64, little-endian) and a zstd frame of the payload with a checksum. Entries are
named by the SHA-256 of their bytes; manifests by their call key. On remote tiers a manifest may
be a bundle that carries its newest result's entry: "LRDRB", the format version, the manifest's
size (u64), the manifest object, the entry object. zstd runs through Debian's
`zstd` command (no Python binding needed)."""
import hashlib
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MAGIC = b"LRDR"
FORMAT_VERSION = 6
BUNDLE_MAGIC = b"LRDRB"
KEY_SALT = b"larder-key-1"


def zstd_compress(payload: bytes) -> bytes:
    # From a file, so that the frame records its content size, as larder's own frames do.
    with tempfile.NamedTemporaryFile() as f:
        f.write(payload)
        f.flush()
        return subprocess.run(["zstd", "-q", "-c", "--check", "-1", f.name], capture_output=True, check=True).stdout


def zstd_decompress(frame: bytes) -> bytes:
    return subprocess.run(["zstd", "-q", "-d", "-c"], input=frame, capture_output=True, check=True).stdout


def header(kind: bytes, size: int, version: int = FORMAT_VERSION) -> bytes:
    return MAGIC + kind + bytes([version]) + struct.pack("<Q", size)


def encode(kind: bytes, payload: bytes) -> bytes:
    return header(kind, len(payload)) + zstd_compress(payload)


def decode(blob: bytes) -> tuple:
    assert blob[:4] == MAGIC, blob[:16]
    kind, version = blob[4:5], blob[5]
    assert version == FORMAT_VERSION, version
    return kind, zstd_decompress(blob[14:])


def split_bundle(blob: bytes) -> tuple:
    """(manifest object, carried entry object or None)."""
    if not blob.startswith(BUNDLE_MAGIC):
        return blob, None
    assert blob[5] == FORMAT_VERSION, blob[5]
    size = struct.unpack("<Q", blob[6:14])[0]
    return blob[14:14 + size], blob[14 + size:]


def bundle(manifest: bytes, entry: bytes, declared_size: int = None) -> bytes:
    size = len(manifest) if declared_size is None else declared_size
    return BUNDLE_MAGIC + bytes([FORMAT_VERSION]) + struct.pack("<Q", size) + manifest + entry


class Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        out = self.data[self.pos:self.pos + n]
        assert len(out) == n
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def bytes(self) -> bytes:
        return self.take(self.u64())


class Writer:
    def __init__(self):
        self.out = bytearray()

    def u8(self, v):
        self.out += bytes([v])

    def u32(self, v):
        self.out += struct.pack("<I", v & 0xFFFFFFFF)

    def u64(self, v):
        self.out += struct.pack("<Q", v)

    def bytes(self, b: bytes):
        self.u64(len(b))
        self.out += b


@dataclass
class Output:
    role: str
    mode: int
    data: bytes
    hash: str
    inside: int = None  # index of the output holding these bytes
    offset: int = 0


@dataclass
class Entry:
    exit_code: int = 0
    micros: int = 0
    stdout: bytes = b""
    stderr: bytes = b""
    base_dirs: list = field(default_factory=list)  # [(marker, path)]
    outputs: list = field(default_factory=list)

    def output(self, role: str) -> Output:
        return next(o for o in self.outputs if o.role == role)


def parse_entry(blob: bytes) -> Entry:
    kind, payload = decode(blob)
    assert kind == b"E"
    r = Reader(payload)
    e = Entry(exit_code=r.u32(), micros=r.u64(), stdout=r.bytes(), stderr=r.bytes())
    for _ in range(r.u32()):
        e.base_dirs.append((r.bytes().decode(), r.bytes().decode()))
    sizes = []
    for _ in range(r.u32()):
        role, mode, size, digest, inside, offset = r.bytes().decode(), r.u32(), r.u64(), r.bytes().decode(), r.u32(), r.u64()
        sizes.append(size)
        e.outputs.append(Output(role, mode, b"", digest, inside - 1 if inside else None, offset))
    for o, size in zip(e.outputs, sizes):
        if o.inside is None:
            o.data = r.take(size)
    for o, size in zip(e.outputs, sizes):
        if o.inside is not None:
            o.data = e.outputs[o.inside].data[o.offset:o.offset + size]
    assert r.pos == len(payload)
    return e


def serialize_entry(e: Entry) -> bytes:
    w = Writer()
    w.u32(e.exit_code)
    w.u64(e.micros)
    w.bytes(e.stdout)
    w.bytes(e.stderr)
    w.u32(len(e.base_dirs))
    for marker, path in e.base_dirs:
        w.bytes(marker.encode())
        w.bytes(path.encode())
    w.u32(len(e.outputs))
    for o in e.outputs:
        w.bytes(o.role.encode())
        w.u32(o.mode)
        w.u64(len(o.data))
        w.bytes(o.hash.encode())
        w.u32(0 if o.inside is None else o.inside + 1)
        w.u64(o.offset)
    for o in e.outputs:
        if o.inside is None:
            w.out += o.data
    return encode(b"E", bytes(w.out))


@dataclass
class Result:
    entry_key: str
    entry_object: str
    sources: list = field(default_factory=list)  # [(path, hash)]
    env_deps: list = field(default_factory=list)  # [(name, value_hash, portable)]
    must_be_absent: list = field(default_factory=list)
    pinned_dirs: list = field(default_factory=list)  # [(marker, path)]


def parse_manifest(blob: bytes) -> list:
    kind, payload = decode(split_bundle(blob)[0])
    assert kind == b"M"
    r = Reader(payload)
    results = []
    for _ in range(r.u32()):
        res = Result(r.bytes().decode(), r.bytes().decode())
        res.sources = [(r.bytes().decode(), r.bytes().decode()) for _ in range(r.u32())]
        res.env_deps = [(r.bytes().decode(), r.bytes().decode(), r.u8() == 1) for _ in range(r.u32())]
        res.must_be_absent = [r.bytes().decode() for _ in range(r.u32())]
        res.pinned_dirs = [(r.bytes().decode(), r.bytes().decode()) for _ in range(r.u32())]
        results.append(res)
    assert r.pos == len(payload)
    return results


def serialize_manifest(results: list) -> bytes:
    w = Writer()
    w.u32(len(results))
    for res in results:
        w.bytes(res.entry_key.encode())
        w.bytes(res.entry_object.encode())
        w.u32(len(res.sources))
        for path, digest in res.sources:
            w.bytes(path.encode())
            w.bytes(digest.encode())
        w.u32(len(res.env_deps))
        for name, value_hash, portable in res.env_deps:
            w.bytes(name.encode())
            w.bytes(value_hash.encode())
            w.u8(1 if portable else 0)
        w.u32(len(res.must_be_absent))
        for path in res.must_be_absent:
            w.bytes(path.encode())
        w.u32(len(res.pinned_dirs))
        for marker, path in res.pinned_dirs:
            w.bytes(marker.encode())
            w.bytes(path.encode())
    return encode(b"M", bytes(w.out))


def entry_key_of(call_key: str, res: Result) -> str:
    """The entry key larder derives from a manifest result (cache/compile_flow.cpp): what a
    writer who knows the format recomputes to make a crafted result look genuine."""
    h = hashlib.sha256()

    def fld(label: bytes, value: bytes):
        h.update(label + b":" + str(len(value)).encode() + b":" + value)

    def component(group: str, name: str, value: str):
        fld(b"g", group.encode())
        fld(b"n", name.encode())
        fld(b"v", value.encode())

    fld(b"salt", KEY_SALT)
    component("call", "", call_key)
    for path, digest in res.sources:
        component("source", path, digest)
    for name, value_hash, portable in res.env_deps:
        component("env-dep", name, value_hash + ("/p" if portable else "/r"))
    for marker, path in res.pinned_dirs:
        component("pinned", marker, path)
    return h.hexdigest()


def object_name(blob: bytes) -> str:
    """The name of an entry object: the SHA-256 of its bytes."""
    return hashlib.sha256(blob).hexdigest() + ".entry"


def small_bomb(declared: int) -> bytes:
    """A 35-byte entry whose header and frame both declare `declared` bytes: one RLE block."""
    frame = struct.pack("<I", 0xFD2FB528) + bytes([0xE4]) + struct.pack("<Q", declared)
    block = 1 | (1 << 1) | ((128 << 10) << 3)
    frame += bytes([block & 0xFF, (block >> 8) & 0xFF, (block >> 16) & 0xFF]) + b"x" + b"\0\0\0\0"
    return header(b"E", declared) + frame
