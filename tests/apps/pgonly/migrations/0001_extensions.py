from django.contrib.postgres.operations import (
    BloomExtension,
    BtreeGistExtension,
    CreateCollation,
    HStoreExtension,
    TrigramExtension,
)
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [
        HStoreExtension(),
        BtreeGistExtension(),
        TrigramExtension(),
        BloomExtension(),
        CreateCollation(
            "djm_case_insensitive", provider="icu", locale="und-u-ks-level2", deterministic=False
        ),
    ]
