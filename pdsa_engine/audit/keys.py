"""The audit key: an Ed25519 key pair kept in files, never in the database.

The private key signs checkpoints of the chain (anyone with the public key can check them) and, through a key
derived from it, seals every link of the chain as events are stored (only the key's holder can seal, so an
event added behind the application's back is told apart from a real one by whoever holds the key).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pdsa_engine.errors import AuditKeyUnusable

_SEAL_CONTEXT = b"pdsa-engine chain seal v1"


@dataclass(frozen=True)
class AuditKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def seal(self, notification_id: int, previous_id: int, link: bytes) -> bytes:
        message = notification_id.to_bytes(8, "big") + previous_id.to_bytes(8, "big") + link
        return hmac.digest(self._mac_key, message, "sha256")

    def seal_snapshot(self, digest: bytes) -> bytes:
        """Seals a snapshot's digest (which names its aggregate, version and chain link); the prefix keeps these
        seals from ever being taken for a link's seal."""
        return hmac.digest(self._mac_key, b"snapshot\0" + digest, "sha256")

    def seal_verified(self, position: int, link: bytes) -> bytes:
        """Seals "the chain was verified up to this position, where its link is this" (growing.py)."""
        return hmac.digest(self._mac_key, b"verified\0" + position.to_bytes(8, "big") + link, "sha256")

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    @cached_property  # derived once: every stored event's seal uses it
    def _mac_key(self) -> bytes:
        raw = self.private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                         serialization.NoEncryption())
        return hashlib.sha256(_SEAL_CONTEXT + raw).digest()


def fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


def public_path(private_path: Path) -> Path:
    return private_path.with_name(private_path.name.removesuffix(".pem") + ".pub.pem")


def create_key(path: Path) -> AuditKey:
    """Writes a new key pair: the private key readable by its owner only, the public key beside it. The file
    appears whole or not at all; if another process created one a moment ago, that one is used."""
    try:
        return _create_key(path)
    except OSError as problem:
        raise AuditKeyUnusable(f"cannot create the audit key {path} (PDSA_AUDIT_KEY): {problem.strerror or problem}"
                               " — the folder must be writable, or PDSA_AUDIT_KEY must name another file") from None


def _create_key(path: Path) -> AuditKey:
    key = AuditKey(Ed25519PrivateKey.generate())
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    draft = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    try:
        os.link(draft, path)
    except FileExistsError:
        key = load_key(path)
    finally:
        draft.unlink()
    public_path(path).write_bytes(key.public.public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))
    return key


def load_key(path: Path) -> AuditKey:
    """The key in the file, or AuditKeyUnusable naming the file and the variable that chose it."""
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as problem:
        raise AuditKeyUnusable(f"cannot read the audit key {path} (PDSA_AUDIT_KEY): {problem.strerror or problem}") \
            from None
    except (ValueError, TypeError, UnsupportedAlgorithm):
        private = None
    if not isinstance(private, Ed25519PrivateKey):
        raise AuditKeyUnusable(f"the audit key file {path} (PDSA_AUDIT_KEY) does not hold an unencrypted Ed25519 "
                               "private key in PEM form: restore it from its backup")
    return AuditKey(private)


def load_public_key(path: Path) -> Ed25519PublicKey:
    public = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(public, Ed25519PublicKey):
        raise ValueError(f"{path} does not hold an Ed25519 public key")
    return public


def signature_holds(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True
