"""The chronology under /api/v1/ (CHR-1): the same filters, access rule and audit as the page.

- GET  /api/v1/families/{family_id}/chronology/   entries newest first, cursor-paginated; filters: agency,
       person, kind, behaviour, date_from, date_to (YYYY-MM-DD), significant (true/false)
- GET  /api/v1/chronology/{id}/                    one entry with its analysis comments
- POST /api/v1/chronology/{id}/comments/           add an analysis comment
"""

from drf_spectacular.utils import extend_schema
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


from doorstep.core.access import family_get_for, require_family_worker

from . import selectors, services
from .models import ChronologyComment, ChronologyEntry, EntryKind


class CommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = ChronologyComment
        fields = ["id", "text", "author", "author_name", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]


class EntrySerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.display_name", read_only=True, default=None)
    author_name = serializers.CharField(source="author.__str__", read_only=True, default=None)
    # Issue 14: in the reader's language (the request's).
    summary = serializers.CharField(source="summary_shown", read_only=True)
    tags = serializers.ListField(source="tag_list", child=serializers.CharField(), read_only=True)
    comments = CommentSerializer(many=True, read_only=True)

    class Meta:
        model = ChronologyEntry
        fields = ["id", "family", "occurred_at", "recorded_at", "kind", "agency", "agency_name", "author",
                  "author_name", "summary", "significant", "tags", "people", "source_type", "source_id", "comments"]
        read_only_fields = fields


class FilterSerializer(serializers.Serializer):
    agency = serializers.IntegerField(required=False, min_value=1)
    person = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.ChoiceField(choices=EntryKind.choices, required=False)
    behaviour = serializers.CharField(required=False, max_length=64)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    significant = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise serializers.ValidationError(
                {"date_to": _("The end of the period must be the same as or after the start")})
        return data

    def filters(self) -> selectors.ChronologyFilters:
        d = self.validated_data
        return selectors.ChronologyFilters(
            agency_id=d.get("agency"), person_id=d.get("person"), kind=d.get("kind", ""),
            behaviour=d.get("behaviour", ""), date_from=d.get("date_from"), date_to=d.get("date_to"),
            significant_only=d.get("significant", False))


class ChronologyCursor(CursorPagination):
    ordering = ("-occurred_at", "-id")
    page_size = 50


class FamilyChronologyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = EntrySerializer
    pagination_class = ChronologyCursor
    queryset = ChronologyEntry.objects.none()

    @extend_schema(parameters=[FilterSerializer])
    def list(self, request, *args, **kwargs):
        require_family_worker(request.user)
        family = family_get_for(professional=request.user, family_id=int(kwargs["family_id"]),
                                purpose="API chronology")
        query = FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        entries = selectors.chronology_filter(family=family, filters=query.filters())
        page = self.paginate_queryset(entries.select_related("agency", "author").prefetch_related(
            "people", "comments__author"))
        return self.get_paginated_response(EntrySerializer(page, many=True).data)


class ChronologyEntryViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EntrySerializer
    queryset = ChronologyEntry.objects.none()

    def retrieve(self, request, pk=None):
        require_family_worker(request.user)
        return Response(EntrySerializer(selectors.entry_get_for(professional=request.user, entry_id=int(pk))).data)

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        require_family_worker(request.user)
        entry = selectors.entry_get_for(professional=request.user, entry_id=int(pk), purpose="API chronology analysis",
                                        write=True)
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.chronology_comment_add(entry=entry, by=request.user, text=data.validated_data["text"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("families/<int:family_id>/chronology", FamilyChronologyViewSet, "family-chronology"),
    ("chronology", ChronologyEntryViewSet, "chronology-entry"),
]
