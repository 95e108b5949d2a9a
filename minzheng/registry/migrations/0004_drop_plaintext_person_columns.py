# The plaintext columns go; the encrypted ones take their names; the blind index becomes unique.

from django.db import migrations

import minzheng.core.fields


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_encrypt_person_sensitive_values")]

    operations = [
        migrations.RemoveField(model_name="person", name="id_number"),
        migrations.RemoveField(model_name="person", name="phone"),
        migrations.RenameField(model_name="person", old_name="id_number_cipher", new_name="id_number"),
        migrations.RenameField(model_name="person", old_name="phone_cipher", new_name="phone"),
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=minzheng.core.fields.EncryptedTextField(context="registry.person.id_number",
                                                          verbose_name="身份证号码"),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=minzheng.core.fields.EncryptedTextField(blank=True, context="registry.person.phone", default="",
                                                          verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number_bidx",
            field=minzheng.core.fields.BlindIndexField(purpose="id_number", source="id_number", unique=True,
                                                       verbose_name="身份证号码索引"),
        ),
    ]
