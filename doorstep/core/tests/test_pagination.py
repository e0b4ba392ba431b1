"""Issue 18: lists page with GOV.UK's pagination component (numbered links, the current page marked), whose text
passes contrast, instead of a hand-built "Page 1 of 2" that failed it (3.22:1)."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation

from doorstep.core.templatetags.doorstep import page_numbers


def test_the_numbers_shown_are_the_ends_and_one_either_side_with_gaps_marked():
    paginator = Paginator(range(200), 10)
    assert page_numbers(paginator.page(1)) == [1, 2, None, 20]
    assert page_numbers(paginator.page(10)) == [1, None, 9, 10, 11, None, 20]
    assert page_numbers(Paginator(range(30), 10).page(2)) == [1, 2, 3]


def test_the_component_marks_the_current_page_and_keeps_the_filters():
    html = render_to_string("includes/pagination.html", {"page": Paginator(range(30), 10).page(2), "query": "q=x"})
    assert 'class="govuk-pagination__item govuk-pagination__item--current"' in html
    assert 'href="?q=x&amp;page=2" aria-label="Page 2" aria-current="page">2</a>' in html
    assert 'rel="prev"' in html and 'rel="next"' in html and "Page 2 of" not in html
    with translation.override("cy"):
        assert 'aria-label="Tudalen 3"' in render_to_string("includes/pagination.html",
                                                           {"page": Paginator(range(30), 10).page(2)})
    assert render_to_string("includes/pagination.html", {"page": Paginator(range(5), 10).page(1)}).strip() == ""
