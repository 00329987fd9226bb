"""Italian first, English too: every interface message has its Italian, compiled."""

from __future__ import annotations

from babel.messages.mofile import read_mo

from webapp.translations.italian import IT, MO, message_ids


def test_every_message_has_an_italian_translation():
    ids = message_ids()
    assert len(ids) > 150
    assert [m for m in ids if m not in IT] == []


def test_the_compiled_catalogue_is_up_to_date():
    with MO.open("rb") as f:
        # ngettext messages come back as lists: (singular, plural) as in IT
        compiled = {(tuple(m.id) if m.pluralizable else m.id):
                    (tuple(m.string) if m.pluralizable else m.string) for m in read_mo(f) if m.id}
    assert {m: compiled.get(m) for m in message_ids()} == {m: IT[m] for m in message_ids()}


def test_placeholders_survive_translation():
    import re

    for english, italian in IT.items():
        # ngettext messages: (singular, plural) on both sides
        pairs = zip(english, italian, strict=True) if isinstance(english, tuple) else [(english, italian)]
        for en, it in pairs:
            assert sorted(re.findall(r"%\(\w+\)s", en)) == sorted(re.findall(r"%\(\w+\)s", it)), en
