from rest_framework import mixins, serializers, viewsets

from .models import Notification
from .selectors import inbox_for


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.CharField(source="message_shown", read_only=True)  # issue 14: in the reader's language

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "link", "family", "mandatory", "created_at", "read_at"]


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in person's own notifications."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()

    def get_queryset(self):
        return inbox_for(professional=self.request.user)


ROUTES = [("notifications", NotificationViewSet, "notification")]
