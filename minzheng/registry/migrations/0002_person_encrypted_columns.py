# Adds the encrypted columns and the blind index beside the plaintext ones; 0003 fills them, 0004 drops the
# plaintext. Split in three so the data step runs between two schema steps and each is reversible.

from django.db import migrations, models

import minzheng.core.fields


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        # The plaintext columns become nullable (phone gains a default) so that migrating back can re-add them
        # empty in 0004 before 0003 refills them.
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=models.CharField(max_length=18, null=True, unique=True, verbose_name="身份证号码"),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=models.CharField(blank=True, default="", max_length=20, verbose_name="联系电话"),
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_cipher",
            field=minzheng.core.fields.EncryptedTextField(context="registry.person.id_number", null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="phone_cipher",
            field=minzheng.core.fields.EncryptedTextField(blank=True, context="registry.person.phone", default=""),
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_bidx",
            field=models.CharField(max_length=64, null=True, editable=False, verbose_name="身份证号码索引"),
        ),
    ]
