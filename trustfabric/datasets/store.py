"""Where dataset versions live: a local directory or an S3 prefix, written create-only.

Nothing in a store is ever overwritten or deleted by this tooling. Every write is create-only (a hard link of a
finished temporary file locally; a conditional `If-None-Match: *` PUT with Object Lock retention on S3); writing
a key that exists with the same bytes is a no-op, with other bytes it is refused (`ReleasedVersionError`, exit 1).
Reads verify content: an object's bytes must hash to the sha256 its key or the manifest names.

Usage::

    from trustfabric.datasets.store import open_store

    store = open_store("out/datasets")                       # or "s3://bucket/prefix", endpoint_url=...
    created = store.put_file("objects/sha256/ab/ab...", path, sha256)
    data = store.read_verified("objects/sha256/ab/ab...", sha256)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import TrustFabricError

CHUNK = 1 << 20
DEFAULT_STORE_ENV = "TRUSTFABRIC_DATASET_STORE"
DEFAULT_STORE = "out/datasets"


class ReleasedVersionError(TrustFabricError):
    """A write would overwrite a released version (or one of its files): refused, exit 1."""

    exit_code = 1


class TamperedError(TrustFabricError):
    """A stored file's bytes do not hash to the sha256 its key or manifest names (exit 2)."""


def sha256_stream(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def iter_lines(handle: BinaryIO) -> Iterator[bytes]:
    """Lines (with their newline) of a binary stream read in chunks: S3 bodies iterate by chunk, not by line."""
    pending = b""
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        pending += chunk
        lines = pending.split(b"\n")
        pending = lines.pop()
        for line in lines:
            yield line + b"\n"
    if pending:
        yield pending


class Store(ABC):
    """A create-only key/value store of dataset files."""

    url: str

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def open(self, key: str) -> contextlib.AbstractContextManager[BinaryIO]:
        """A binary stream of the object; TrustFabricError (exit 2) when missing."""

    @abstractmethod
    def _create(self, key: str, path: str | Path, sha256: str) -> bool:
        """Write `path` at `key` unless the key exists; True when written."""

    @abstractmethod
    def list(self, prefix: str) -> Iterator[str]:
        """Keys under `prefix`, sorted."""

    def where(self, key: str) -> str:
        return f"{self.url.rstrip('/')}/{key}"

    def put_file(self, key: str, path: str | Path, sha256: str, *, verify_existing: bool = True) -> bool:
        """Create `key` from `path` (whose sha256 the caller computed); False when it already held these bytes.

        An existing key with other bytes is refused: released files are never overwritten.
        """
        if self._create(key, path, sha256):
            return True
        if verify_existing:
            with self.open(key) as handle:
                existing = sha256_stream(handle)
            if existing != sha256:
                raise ReleasedVersionError(
                    f"refused: {self.where(key)} is released with other content (sha256 {existing[:12]}, "
                    f"new {sha256[:12]}); a released version is never overwritten"
                )
        return False

    def put_bytes(self, key: str, data: bytes) -> bool:
        """`put_file` for a small document held in memory."""
        with tempfile.NamedTemporaryFile(prefix="tf-dataset-", delete=False) as temp:
            temp.write(data)
        try:
            return self.put_file(key, Path(temp.name), hashlib.sha256(data).hexdigest())
        finally:
            os.unlink(temp.name)

    def read(self, key: str) -> bytes:
        with self.open(key) as handle:
            return handle.read()

    def read_verified(self, key: str, sha256: str) -> bytes:
        """The object's bytes, which must hash to `sha256` (TamperedError otherwise)."""
        data = self.read(key)
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise TamperedError(f"{self.where(key)}: sha256 {actual} does not match {sha256}: tampered or corrupt")
        return data

    def verify(self, key: str, sha256: str) -> None:
        """Stream-hash the object and compare (TamperedError on a mismatch)."""
        with self.open(key) as handle:
            actual = sha256_stream(handle)
        if actual != sha256:
            raise TamperedError(f"{self.where(key)}: sha256 {actual} does not match {sha256}: tampered or corrupt")


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


class LocalStore(Store):
    """A directory. Files are written read-only, through a hard link that fails when the name exists."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = str(root)

    def _path(self, key: str) -> Path:
        return self.root / key

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    @contextlib.contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        try:
            handle = self._path(key).open("rb")
        except FileNotFoundError:
            raise TrustFabricError(f"{self.where(key)}: missing from the store") from None
        except OSError as error:
            raise TrustFabricError(f"{self.where(key)}: cannot read: {error.strerror or error}") from None
        with handle:
            yield handle

    def _create(self, key: str, path: str | Path, sha256: str) -> bool:
        # Plain os calls on str paths: ingest writes hundreds of thousands of small objects.
        target = os.path.join(self.url, key)
        if os.path.exists(target):
            return False
        temp = f"{target}.incoming-{os.getpid()}"
        try:
            source = os.open(path, os.O_RDONLY)
        except OSError as error:
            raise TrustFabricError(f"{path}: cannot read: {error.strerror or error}") from None
        try:
            try:
                descriptor = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o444)
            except FileNotFoundError:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                descriptor = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o444)
        except OSError as error:
            os.close(source)
            raise TrustFabricError(f"{self.url}: cannot write: {error.strerror or error}") from None
        try:
            try:
                digest = hashlib.sha256()
                want = min(os.fstat(source).st_size + 1, CHUNK)  # a small file: one read, one to see its end
                while chunk := os.read(source, want):
                    digest.update(chunk)
                    _write_all(descriptor, chunk)
                    want = CHUNK
            except OSError as error:
                raise TrustFabricError(f"{path}: cannot copy into {self.url}: {error.strerror or error}") from None
            finally:
                os.close(source)
                os.close(descriptor)
            if digest.hexdigest() != sha256:
                raise TrustFabricError(f"{path}: changed while being ingested (sha256 differs); ingest again")
            try:
                os.link(temp, target)
            except FileExistsError:
                return False
            return True
        finally:
            os.unlink(temp)

    def list(self, prefix: str) -> Iterator[str]:
        base = self._path(prefix)
        if not base.is_dir():
            return iter(())
        return iter(
            sorted(
                path.relative_to(self.root).as_posix()
                for path in base.rglob("*")
                if path.is_file() and ".incoming-" not in path.name
            )
        )


def open_store(spec: str | None, *, endpoint_url: str | None = None, for_writing: bool = False) -> Store:
    """The store named by `spec` (a path or s3://bucket/prefix), else $TRUSTFABRIC_DATASET_STORE, else
    out/datasets. An S3 store written to must have Object Lock enabled (checked here)."""
    spec = spec or os.environ.get(DEFAULT_STORE_ENV) or DEFAULT_STORE
    if spec.startswith("s3://"):
        from .s3store import S3Store

        return S3Store.connect(spec, endpoint_url=endpoint_url, for_writing=for_writing)
    if endpoint_url is not None:
        raise TrustFabricError(f"--endpoint-url: only for an s3:// store, not {spec}")
    root = Path(spec)
    if root.exists() and not root.is_dir():
        raise TrustFabricError(f"--store: {spec} is not a directory")
    if not for_writing and not root.is_dir():
        raise TrustFabricError(f"--store: {spec}: no dataset store there (ingest a dataset first)")
    return LocalStore(root)
