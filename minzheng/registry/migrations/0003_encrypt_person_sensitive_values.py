# Moves every plaintext ID number and phone into its SM4-GCM column and fills the HMAC-SM3 blind index.
# Runs in batches with plain UPDATEs (encryption computed here, not per ORM save); reversible.

from django.db import migrations

from minzheng.core import crypto

ID_CONTEXT = "registry.person.id_number"
PHONE_CONTEXT = "registry.person.phone"
BATCH = 5000


def _batches(queryset, fields):
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page.values_list("pk", *fields)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def encrypt_forward(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Person._meta.db_table)
    pk_column = Person._meta.pk.get_db_prep_value
    for rows in _batches(Person.objects.all(), ["id_number", "phone"]):
        updates = []
        for pk, number, phone in rows:
            updates.append((
                crypto.encrypt(number, context=ID_CONTEXT),
                crypto.encrypt(phone, context=PHONE_CONTEXT) if phone else "",
                crypto.blind_index(number, purpose="id_number"),
                pk_column(pk, connection),
            ))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET id_number_cipher = %s, phone_cipher = %s, id_number_bidx = %s WHERE id = %s",
                updates,
            )


def decrypt_backward(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Person._meta.db_table)
    pk_column = Person._meta.pk.get_db_prep_value
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, id_number_cipher, phone_cipher FROM {table} WHERE id_number_cipher IS NOT NULL")
        rows = cursor.fetchall()
    updates = [(crypto.decrypt(cipher, context=ID_CONTEXT),
                crypto.decrypt(phone, context=PHONE_CONTEXT) if phone else "",
                pk_column(pk, connection) if not isinstance(pk, str) else pk) for pk, cipher, phone in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET id_number = %s, phone = %s WHERE id = %s", updates)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_person_encrypted_columns")]

    operations = [migrations.RunPython(encrypt_forward, decrypt_backward, elidable=False)]
