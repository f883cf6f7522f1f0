from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from klient.core.sealing import seal

    for mailbox in apps.get_model("mail", "ImapMailbox").objects.all():
        mailbox.sealed_password = seal(mailbox.password)
        mailbox.save(update_fields=["sealed_password"])


class Migration(migrations.Migration):
    dependencies = [("mail", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="imapmailbox",
            name="sealed_password",
            field=models.TextField(
                default="",
                help_text="The password, sealed with klient.core.sealing; never stored in clear.",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RemoveField(model_name="imapmailbox", name="password"),
    ]
