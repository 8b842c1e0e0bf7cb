"""GB 32100-2015 validator: pure module, no database."""

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuangsuiji import creditcode
from shuangsuiji.creditcode import ALPHABET, CreditCodeError, make_code, parse

# Published real-format examples plus letter-first codes (N = rural collectives,
# Y = trade unions, 1 = organisations, 5 = social organisations).
VALID = [
    "91350100M000100Y43",
    "91110000600037341L",
    make_code("N2410402MA9XXNB2K"),
    make_code("Y1410402MA9XXNB2K"),
    make_code("51410402000000012"),
]


@pytest.fixture(params=VALID)
def valid_code(request):
    return request.param


def test_the_module_has_no_django_import():
    assert "django" not in creditcode.__dict__
    source = open(creditcode.__file__, encoding="utf-8").read()
    assert "import django" not in source and "from django" not in source


def test_valid_codes_parse(valid_code):
    assert parse(valid_code).code == valid_code


def test_letter_first_codes_are_accepted():
    code = make_code("N2410402MA9XXNB2K")
    assert code[0] == "N"
    assert parse(code).code == code
    assert parse(make_code("Y1410402MA9XXNB2K")).code.startswith("Y")


def test_every_single_character_mutation_of_a_valid_code_is_rejected(valid_code):
    rejected = 0
    for pos in range(18):
        for ch in ALPHABET:
            if ch == valid_code[pos]:
                continue
            mutated = valid_code[:pos] + ch + valid_code[pos + 1 :]
            with pytest.raises(CreditCodeError):
                parse(mutated)
            rejected += 1
    assert rejected == 18 * 30


def test_forbidden_letters_are_named_in_the_message(valid_code):
    for letter in "IOZSV":
        with pytest.raises(CreditCodeError, match=letter):
            parse(letter + valid_code[1:])


def test_full_width_characters_spaces_and_case_are_normalised():
    code = "91350100M000100Y43"
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    assert parse(f"  {fullwidth[:6]} {fullwidth[6:]}\t").code == code


def test_wrong_length_says_how_long_it_was():
    with pytest.raises(CreditCodeError, match="17 位"):
        parse("91350100M000100Y4")


def test_numbers_from_spreadsheets_are_rejected_with_the_reason():
    with pytest.raises(CreditCodeError, match="数字"):
        parse(9.1410402123456789e17)
    with pytest.raises(CreditCodeError, match="数字"):
        parse(914104021234567890)


def test_empty_values_are_rejected():
    for raw in (None, "", "   "):
        with pytest.raises(CreditCodeError, match="为空"):
            parse(raw)


def test_a_bad_embedded_organisation_code_is_a_warning_not_a_rejection():
    # Organisation code 12345678-0 has check digit 9 under GB 11714; use 0 on purpose.
    code = make_code("9141040212345678" + "0")
    result = parse(code)
    assert result.code == code
    assert result.warnings and "组织机构代码" in result.warnings[0]


def test_division_is_positions_three_to_eight():
    assert parse(make_code("91410402MA44XXNB0".replace("X", "1"))).division == "410402"


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_any_body_with_its_check_character_is_valid(body):
    assert creditcode.is_valid(make_code(body))


@given(
    st.text(alphabet=ALPHABET, min_size=17, max_size=17),
    st.integers(min_value=0, max_value=17),
    st.sampled_from(ALPHABET),
)
def test_any_single_substitution_is_caught(body, pos, ch):
    code = make_code(body)
    mutated = code[:pos] + ch + code[pos + 1 :]
    assert creditcode.is_valid(mutated) == (mutated == code)


def test_pure_module_imports_without_django_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "django", None)
    import importlib

    importlib.reload(creditcode)
    assert creditcode.is_valid("91350100M000100Y43")
