"""Field encryption with 国密 algorithms: SM4-GCM for confidentiality, HMAC-SM3 for a blind index.

A stored value looks like ``sm4gcm:v2:<base64(nonce ‖ ciphertext ‖ tag)>``: the algorithm and key version
travel with every ciphertext, so keys can be rotated (new writes use the current version, old rows stay
readable until ``minzheng rotate-keys`` re-encrypts them). The associated data binds a ciphertext to its
column ("registry.person.id_number"), so a value copied into another column does not decrypt.

The blind index is HMAC-SM3 over the normalized value with a separate, long-lived key. It allows exact
lookup ("find this ID number") without storing the number, and the monitoring lake uses the same index as
its pseudonym, so that key is never rotated casually.

Keys come from the environment (``MINZHENG_FIELD_KEYS="1:<base64>,2:<base64>"``,
``MINZHENG_FIELD_KEY_CURRENT=2``, ``MINZHENG_BLIND_INDEX_KEY=<base64>``). The local demo generates a key
file under var/ on first start (see ``load_or_create_local_keys``); production refuses to start without
keys.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "sm4gcm"
_NONCE_BYTES = 12
_TAG_BYTES = 16


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key, unknown version, or tampering."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict[int, bytes]
    current: int
    blind_index_key: bytes

    def key(self, version: int) -> bytes:
        try:
            return self.keys[version]
        except KeyError as exc:
            raise DecryptionError(f"unknown key version {version}") from exc


def _decode_key(text: str, *, size: int, name: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64") from exc
    if len(raw) != size:
        raise ImproperlyConfigured(f"{name} must decode to {size} bytes, not {len(raw)}")
    return raw


def parse_key_ring(field_keys: str, current: str | int | None, blind_index_key: str) -> KeyRing:
    keys: dict[int, bytes] = {}
    for item in field_keys.split(","):
        if not item.strip():
            continue
        version, _, encoded = item.partition(":")
        if not version.strip().isdigit() or not encoded:
            raise ImproperlyConfigured("MINZHENG_FIELD_KEYS must look like '1:<base64>,2:<base64>'")
        keys[int(version)] = _decode_key(encoded, size=16, name=f"field key {version}")
    if not keys:
        raise ImproperlyConfigured("MINZHENG_FIELD_KEYS holds no key")
    current_version = int(current) if current not in (None, "") else max(keys)
    if current_version not in keys:
        raise ImproperlyConfigured(f"MINZHENG_FIELD_KEY_CURRENT={current_version} is not in MINZHENG_FIELD_KEYS")
    return KeyRing(keys=keys, current=current_version,
                   blind_index_key=_decode_key(blind_index_key, size=32, name="MINZHENG_BLIND_INDEX_KEY"))


def new_key_material() -> dict[str, str]:
    return {"field_keys": "1:" + base64.b64encode(secrets.token_bytes(16)).decode(),
            "current": "1", "blind_index_key": base64.b64encode(secrets.token_bytes(32)).decode()}


def load_or_create_local_keys(path: Path) -> tuple[dict[str, str], bool]:
    """The demo's key file: created once with fresh random keys (never committed; var/ is ignored)."""
    if path.exists():
        return json.loads(path.read_text()), False
    path.parent.mkdir(parents=True, exist_ok=True)
    material = new_key_material()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(material, handle)
    return material, True


@lru_cache(maxsize=1)
def key_ring() -> KeyRing:
    config = getattr(settings, "MINZHENG_KEYS", None)
    if not config:
        raise ImproperlyConfigured("Field-encryption keys are not configured (MINZHENG_FIELD_KEYS, "
                                   "MINZHENG_BLIND_INDEX_KEY)")
    return parse_key_ring(config["field_keys"], config.get("current"), config["blind_index_key"])


def reset_key_ring() -> None:
    key_ring.cache_clear()


def encrypt(plaintext: str, *, context: str, version: int | None = None) -> str:
    ring = key_ring()
    version = ring.current if version is None else version
    nonce = secrets.token_bytes(_NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ring.key(version)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    token = base64.b64encode(nonce + body + encryptor.tag).decode()
    return f"{ALGORITHM}:v{version}:{token}"


def parse_envelope(value: str) -> tuple[str, int, bytes]:
    try:
        algorithm, version, token = value.split(":", 2)
        if not version.startswith("v"):
            raise ValueError(version)
        return algorithm, int(version[1:]), base64.b64decode(token, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise DecryptionError("malformed ciphertext") from exc


def is_ciphertext(value: str | None) -> bool:
    return bool(value) and value.startswith(ALGORITHM + ":v")


def decrypt(value: str, *, context: str) -> str:
    algorithm, version, raw = parse_envelope(value)
    if algorithm != ALGORITHM:
        raise DecryptionError(f"unsupported algorithm {algorithm}")
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError("ciphertext too short")
    nonce, body, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key_ring().key(version)), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("authentication failed") from exc


def key_version(value: str) -> int:
    return parse_envelope(value)[1]


def blind_index(value: str, *, purpose: str = "id_number") -> str:
    """HMAC-SM3 of the value, hex: equal inputs give equal indexes, nothing else is revealed."""
    mac = hmac.HMAC(key_ring().blind_index_key, hashes.SM3())
    mac.update(purpose.encode() + b"\x00" + value.encode())
    return mac.finalize().hex()
