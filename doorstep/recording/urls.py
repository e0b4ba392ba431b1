from django.urls import path, register_converter

from . import views


class RecordKind:
    """The kinds of record a person may ask to correct (selectors.RECORD_MODELS): any other word is not a route."""

    regex = "contact|incident|entry|person"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RecordKind, "recordkind")

app_name = "recording"
urlpatterns = [
    path("terms/", views.terms, name="terms"),
    path("terms/<int:term_id>/", views.term, name="term"),
    path("corrections/new/<recordkind:kind>/<int:record_id>/", views.correction_new, name="correction_new"),
    path("corrections/<int:request_id>/", views.correction, name="correction"),
    path("corrections/<int:request_id>/decide/", views.correction_decide, name="correction_decide"),
]
