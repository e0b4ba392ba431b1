"""ASVS V13.1.5 and V13.2.5 (issue 13): the API reads only the content types it parses and answers only in those it
renders; anything else is refused (415, 406) before a view acts, and nothing is saved."""

from django.urls import reverse

from doorstep.families.models import Family


def test_a_body_of_a_type_the_api_does_not_parse_is_refused_with_415(world, client):
    client.force_login(world.users["involved_practitioner"])
    before = Family.objects.count()
    response = client.post(reverse("family-list"), "<family><name>X</name></family>", content_type="application/xml")
    assert response.status_code == 415
    assert Family.objects.count() == before


def test_an_answer_in_a_type_the_api_does_not_render_is_refused_with_406(world, client):
    client.force_login(world.users["involved_practitioner"])
    response = client.get(reverse("family-list"), headers={"Accept": "application/xml"})
    assert response.status_code == 406
