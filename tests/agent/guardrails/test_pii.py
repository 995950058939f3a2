from agent.guardrails.pii import Redactor, redact_text, restore


def test_emails_phones_ibans_cards_and_names_are_replaced() -> None:
    r = Redactor(names=["Marie Dupont"])
    text = (
        "Marie Dupont (marie.dupont@acme.fr, +33 6 12 34 56 78) pays from "
        "FR76 3000 6000 0112 3456 7890 189 with card 4111 1111 1111 1111."
    )
    out = r.redact(text)
    assert out.text == ("[NAME_1] ([EMAIL_1], [PHONE_1]) pays from [IBAN_1] with card [CARD_1].")
    assert restore(out.text, out.mapping) == text


def test_same_value_gets_same_placeholder_across_calls_and_formats() -> None:
    r = Redactor()
    a = r.redact("Call +33 6 12 34 56 78 or mail A@X.com")
    b = r.redact("Again: 06 12 34 56 78, a@x.com, and bob@x.com")
    assert a.text == "Call [PHONE_1] or mail [EMAIL_1]"
    assert b.text == "Again: [PHONE_1], [EMAIL_1], and [EMAIL_2]"


def test_local_phone_formats_are_recognised() -> None:
    out = redact_text("US (415) 555-2671, DE 030 1234567, UK 020 7946 0958")
    assert out == "US [PHONE_1], DE [PHONE_2], UK [PHONE_3]"


def test_iban_with_bad_checksum_is_left_alone() -> None:
    assert redact_text("FR76 3000 6000 0112 3456 7890 188") == "FR76 3000 6000 0112 3456 7890 188"


def test_card_number_failing_luhn_is_left_alone() -> None:
    assert "[CARD" not in redact_text("Card 4111 1111 1111 1112")


def test_business_numbers_are_not_redacted() -> None:
    text = (
        "Invoice INV/2026/0042 of 2026-11-03: 12,500.00 EUR for 150 hours, ticket HT00012, SO1234."
    )
    assert redact_text(text) == text


def test_names_match_case_insensitively_on_word_boundaries() -> None:
    r = Redactor(names=["Anna", "Anna Berg"])
    assert r.redact("ANNA BERG and anna, not Annabel").text == "[NAME_1] and [NAME_2], not Annabel"


def test_existing_placeholders_are_not_re_redacted() -> None:
    r = Redactor(names=["NAME"])
    assert r.redact("[EMAIL_1] wrote").text == "[EMAIL_1] wrote"


def test_restore_leaves_unknown_placeholders() -> None:
    assert restore("[EMAIL_9] hi", {"[EMAIL_1]": "a@b.c"}) == "[EMAIL_9] hi"
