"""What the benchmark needs to remember about the region it runs on."""

from django.db import models


class GeneratedRegion(models.Model):
    """One run of `generate_region`: its parameters and how long it took (docs/performance.md reports it)."""

    generated_at = models.DateTimeField()
    seed = models.IntegerField()
    families = models.IntegerField()
    anchor = models.DateTimeField()  # "now" in the generated world: every date is relative to it
    seconds = models.FloatField()
    # {"steps": {name: seconds}, "rows": {table: count}, "phases": {name: seconds}, ...}
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.families} families, seed {self.seed}, {self.seconds:.0f} s"
