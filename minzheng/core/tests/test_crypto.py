"""Field encryption (SM4-GCM), the blind index (HMAC-SM3), key rotation and the plaintext migration."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from minzheng.core import crypto
from minzheng.registry.models import Person
from minzheng.testing import factories as f


@pytest.fixture(autouse=True)
def _fresh_keys():
    crypto.reset_key_ring()
    yield
    crypto.reset_key_ring()


def test_round_trip_records_algorithm_and_key_version():
    """A value encrypts to sm4gcm:v<current>:…, differs on each call (random nonce) and decrypts back."""
    first = crypto.encrypt("11010519491231002X", context="t")
    second = crypto.encrypt("11010519491231002X", context="t")
    assert first.startswith("sm4gcm:v2:") and first != second
    assert crypto.decrypt(first, context="t") == "11010519491231002X"


def test_ciphertext_is_bound_to_its_column():
    """A ciphertext copied into another column (another context) does not decrypt."""
    value = crypto.encrypt("13800138000", context="registry.person.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(value, context="registry.person.id_number")


def test_tampering_is_detected():
    value = crypto.encrypt("secret", context="t")
    algorithm, version, raw = crypto.parse_envelope(value)
    flipped = bytes([raw[0]]) + bytes([raw[1] ^ 1]) + raw[2:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{algorithm}:v{version}:{base64.b64encode(flipped).decode()}", context="t")


def test_old_key_versions_stay_readable():
    """A value written under key v1 decrypts while v2 is current."""
    old = crypto.encrypt("abc", context="t", version=1)
    assert crypto.key_version(old) == 1
    assert crypto.decrypt(old, context="t") == "abc"


def test_blind_index_is_deterministic_and_purpose_bound():
    a = crypto.blind_index("11010519491231002X")
    assert a == crypto.blind_index("11010519491231002X") and len(a) == 64
    assert a != crypto.blind_index("11010519491231002X", purpose="other")
    assert a != crypto.blind_index("110105194912310011")


def test_bad_key_configuration_is_refused():
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_key_ring("1:short", None, base64.b64encode(b"x" * 32).decode())
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_key_ring("1:" + base64.b64encode(b"k" * 16).decode(), "3", base64.b64encode(b"x" * 32).decode())


@pytest.mark.django_db
def test_database_holds_only_ciphertext_and_the_index(areas):
    """Given a person, the raw columns hold ciphertext (never the number) and the blind index finds them."""
    person = f.make_person(name="张三", phone="13800138000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_number_bidx FROM registry_person")
        raw_id, raw_phone, bidx = cursor.fetchone()
    assert person.id_number not in raw_id and raw_id.startswith("sm4gcm:v2:")
    assert "13800138000" not in raw_phone
    assert bidx == crypto.blind_index(person.id_number)
    assert Person.objects.by_id_number(person.id_number).get() == person
    assert Person.objects.get(pk=person.pk).id_number == person.id_number


@pytest.mark.django_db
def test_encrypted_fields_refuse_direct_lookups(areas):
    with pytest.raises(FieldError):
        list(Person.objects.filter(id_number="11010519491231002X"))


@pytest.mark.django_db
def test_rotate_keys_re_encrypts_old_versions_and_is_repeatable(areas):
    """Given persons written under key v1, when rotate-keys runs, then every value is under v2 and decrypts to
    the same plaintext; a second run changes nothing."""
    with override_settings(MINZHENG_KEYS={"field_keys": "1:c2V0LWtleS1vbmUtMTIzNA==", "current": "1",
                                          "blind_index_key": "dGVzdC1ibGluZC1pbmRleC1rZXktMzItYnl0ZXMhISE="}):
        crypto.reset_key_ring()
        people = [f.make_person(name=f"王{i}", phone="13900000000") for i in range(5)]
    crypto.reset_key_ring()
    call_command("rotate_keys", stdout=_Sink())
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_person")
        rows = cursor.fetchall()
    assert {crypto.key_version(v) for row in rows for v in row if v} == {2}
    assert sorted(p.id_number for p in Person.objects.all()) == sorted(p.id_number for p in people)
    sink = _Sink()
    call_command("rotate_keys", "--check", stdout=sink)
    assert "待处理 0 行" in sink.text


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, value):
        self.text += value

    def flush(self):
        pass


@pytest.mark.django_db(transaction=True)
def test_data_migration_moves_plaintext_columns_with_nothing_lost():
    """Given persons stored in plaintext (registry 0001), when migrated to the latest state, then every ID
    number and phone reads back unchanged, the columns hold ciphertext and the blind index finds each person;
    migrating back restores the plaintext."""
    executor = MigrationExecutor(connection)
    executor.migrate([("registry", "0001_initial")])
    old = executor.loader.project_state([("registry", "0001_initial")]).apps
    Area = old.get_model("areas", "Area")
    OldPerson = old.get_model("registry", "Person")
    Area.objects.create(code="340471000000", name="区", level="district", kind="district", prefix="340471")
    village = Area.objects.create(code="340471100201", name="村", level="village", kind="village",
                                  prefix="340471100201")
    numbers = [f.unique_id_number() for _ in range(7)]
    for index, number in enumerate(numbers):
        OldPerson.objects.create(name=f"李{index}", id_number=number, sex="M", birth_date="1960-01-01",
                                 hukou_area=village, residence_area=village,
                                 phone=f"1380013800{index}" if index % 2 else "")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    for index, number in enumerate(numbers):
        person = Person.objects.by_id_number(number).get()
        assert person.name == f"李{index}"
        assert person.phone == (f"1380013800{index}" if index % 2 else "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_person")
        assert all(row[0].startswith("sm4gcm:") for row in cursor.fetchall())

    executor = MigrationExecutor(connection)
    executor.migrate([("registry", "0001_initial")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_person ORDER BY name")
        assert [row[0] for row in cursor.fetchall()] == numbers
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
