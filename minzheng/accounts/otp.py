"""TOTP enrolment material: the otpauth:// address as a QR code (an SVG inline as a data: image, which the
Content-Security-Policy allows while it forbids inline scripts and styles) and the secret in text for typing."""

from __future__ import annotations

import base64
import io
from base64 import b32encode

import qrcode
import qrcode.image.svg


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def secret_text(device) -> str:
    """The base32 secret in groups of four, as authenticator apps accept it typed by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
