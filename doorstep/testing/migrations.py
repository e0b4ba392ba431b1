"""Testing a data migration: go back to the state before it, build rows there, then migrate to the latest state."""

from collections.abc import Callable

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrated_back_to(before: list[tuple[str, str]]) -> tuple[Apps, Callable[[], Apps]]:
    """Migrate the test database back to `before`; returns that state's apps (to build old rows with) and a function
    that migrates forward to the latest state and returns its apps (to read the rows as the migrations left them).
    Use with `@pytest.mark.django_db(transaction=True)`."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)

    def forward() -> Apps:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        return executor.loader.project_state(latest).apps

    return executor.loader.project_state(before).apps, forward
