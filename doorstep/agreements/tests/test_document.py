"""AGR-1 (FAM-4): the agreement in the family's language, as a page and as a PDF that says the same thing."""

import io

import pytest
from pypdf import PdfReader

from doorstep.agreements.document import vowel_first, agreement_document
from doorstep.agreements.pdf import agreement_pdf
from doorstep.core.pdf import font_family
from doorstep.testing import pdf
from doorstep.families import services as family_services
from doorstep.families.models import MemberRole

from .builders import draft, issued


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.django_db
def test_a_welsh_agreement_is_welsh_throughout(world):
    version = draft(world, language="cy", other_behaviours="Gadael y ci'n rhydd yn y tŷ")
    text = agreement_document(version).text()
    assert "Cytundeb ysgrifenedig" in text
    assert "Gweiddi neu godi eich llais arnom ni" in text  # a chosen behaviour, from the catalogue
    assert "Gadael y ci'n rhydd yn y tŷ" in text  # a written one, as written
    assert "gofyn i'r llys teulu am orchymyn i amddiffyn eich plant" in text  # up to a court order (004 §2.4)
    assert "Shouting" not in text and "Written agreement" not in text


@pytest.mark.django_db
def test_welsh_writes_ag_before_a_vowel(world):
    # Issue 18: "â" (with) is "ag" before a vowel: "Mae'n ymwneud ag Alfie", never "â Alfie".
    text = agreement_document(draft(world, language="cy")).text()
    assert "Mae'n ymwneud ag Alfie." in text and "â Alfie" not in text
    assert vowel_first("Alfie") and vowel_first("Osian") and not vowel_first("Seren")


@pytest.mark.django_db
def test_an_english_agreement_and_the_unborn_child(world):
    family_services.person_add(family=world.family, by=world.users["involved_practitioner"], role=MemberRole.UNBORN,
                               given_name="Unborn", family_name="Testing", expected_date=world.parent.date_of_birth
                               .replace(year=2027))
    text = agreement_document(draft(world, language="en")).text()
    assert "Shouting or raising your voice at us" in text
    assert "It is about Alfie." in text
    # 004 §2.4: taken into account in the risk assessment of the unborn child, e.g. the birth plan.
    assert "This includes our plans for when your baby is born." in text


@pytest.mark.django_db
def test_the_pdf_says_what_the_page_says_in_welsh(world):
    version = issued(world, language="cy", other_behaviours="Gadael y ci'n rhydd yn y tŷ")
    document = agreement_document(version)
    text = squash(pdf_text(agreement_pdf(document)))
    for section in document.sections:
        assert squash(section.heading) in text
        for bullet in section.bullets:
            assert squash(bullet) in text
    assert "Gadael y ci'n rhydd yn y tŷ" in text  # ŷ survives: the font has the Welsh letters
    assert "Tudalen 1 o" in text
    assert "Llofnod" in text and "Kelly Testing" in text


def test_the_documents_font_is_found():
    # PDFs are set in Liberation Sans or DejaVu Sans (both have ŵ and ŷ), not in a fallback (issue 18).
    assert font_family() in ("Liberation Sans", "DejaVu Sans")


@pytest.mark.django_db
def test_the_pdf_is_tagged_for_a_screen_reader_in_the_agreements_language(world):
    # Issue 18: the language, the title and each section as headings, the behaviours as a list.
    version = issued(world, language="cy")
    document = agreement_document(version)
    content = agreement_pdf(document)
    language, tags = pdf.structure(content)
    assert language == "cy"
    assert tags[:2] == ["Document", "H1"]
    assert tags.count("H2") == len(document.sections) + 2  # each section, then the two signature blocks
    assert "L" in tags and "LI" in tags
    text = squash(pdf.text(content))
    assert squash(document.title) in text and squash(document.sections[0].heading) in text
