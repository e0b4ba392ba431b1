from django_tasks import task

from . import services


@task()
def export_prepare(export_id: int) -> str:
    """Issue 15: the chronology's PDF is built here, never in a web request."""
    return services.chronology_export_prepare(export_id=export_id)
