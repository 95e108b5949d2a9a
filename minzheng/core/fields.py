"""Model fields for sensitive values: encrypted text and its blind index.

``EncryptedTextField`` holds plaintext in Python and ciphertext in the database. It refuses every query
lookup (a random nonce makes ciphertexts unequal), so code must look values up through the sibling
``BlindIndexField``, which is computed from the plaintext whenever the record is saved.
"""

from __future__ import annotations

from django.core.exceptions import FieldError
from django.db import models

from minzheng.core import crypto


class EncryptedTextField(models.TextField):
    description = "SM4-GCM encrypted text"

    def __init__(self, *args, context: str = "", **kwargs):
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.context)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if crypto.is_ciphertext(value):
            return value
        return crypto.encrypt(value, context=self.context)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(f"加密字段 {self.name} 不能直接查询，请使用对应的盲索引字段（*_bidx）")


class BlindIndexField(models.CharField):
    """HMAC-SM3 of another field's plaintext, recomputed on every save."""

    def __init__(self, *args, source: str = "", purpose: str = "", **kwargs):
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        kwargs.pop("editable", None)
        if kwargs.get("max_length") == 64:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def compute(self, instance) -> str | None:
        value = getattr(instance, self.source, None)
        return crypto.blind_index(value, purpose=self.purpose) if value else None

    def pre_save(self, model_instance, add):
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value
