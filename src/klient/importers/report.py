"""What an import did, read back from its checkpoints and warnings (so a resumed run
reports the whole of it, not only its last attempt)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from .models import ImportedObject, ImportRun, ImportWarning

KIND_ORDER = ["organization", "user", "agent", "ticket", "comment", "attachment", "line"]


@dataclass
class Report:
    run_id: int
    path: str
    attempts: int
    imported: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    # Objects this run found checkpointed by an earlier, finished run of the same export.
    earlier: int = 0
    skipped_items: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    elapsed: float = 0.0
    tickets_read: int = 0

    @property
    def unmapped_fields(self) -> list[str]:
        return [subject for code, subject, _ in self.warnings if code == "unmapped_field"]

    def counts(self) -> dict[str, int]:
        return dict(self.imported)

    def describe(self) -> str:
        lines = [
            f"import #{self.run_id} of {self.path}"
            + (f" (resumed: attempt {self.attempts})" if self.attempts > 1 else "")
            + f", {self.elapsed:.1f} s"
        ]
        lines.append("imported:")
        for kind in KIND_ORDER:
            if kind == "line":
                if self.skipped.get(kind):
                    lines.append(f"  unreadable lines {self.skipped[kind]:>3} skipped")
                continue
            if self.imported.get(kind) or self.skipped.get(kind):
                label = ImportedObject.Kind(kind).label
                lines.append(
                    f"  {kind:<13} {self.imported.get(kind, 0):>7}  ({label})"
                    + (f", {self.skipped[kind]} skipped" if self.skipped.get(kind) else "")
                )
        if self.earlier:
            lines.append(f"already imported by an earlier run: {self.earlier}")
        if self.unmapped_fields:
            lines.append("unmapped fields (kept with each ticket's checkpoint):")
            lines.extend(f"  {name}" for name in self.unmapped_fields)
        others = [w for w in self.warnings if w[0] != "unmapped_field"]
        if others:
            lines.append(f"warnings ({len(others)}):")
            lines.extend(f"  [{code}] {subject}: {message}" for code, subject, message in others)
        if self.skipped_items:
            lines.append(f"skipped ({len(self.skipped_items)}):")
            lines.extend(f"  {kind} {sid}: {reason}" for kind, sid, reason in self.skipped_items)
        return "\n".join(lines)


def build(run: ImportRun, *, earlier: int = 0, elapsed: float = 0.0) -> Report:
    rows = (
        ImportedObject.objects.filter(run=run)
        .values("kind")
        .annotate(
            imported=Count("pk", filter=Q(skipped="")),
            skipped=Count("pk", filter=~Q(skipped="")),
        )
    )
    report = Report(run_id=run.pk, path=run.path, attempts=run.attempts, earlier=earlier)
    report.elapsed = elapsed
    for row in rows:
        if row["imported"]:
            report.imported[row["kind"]] = row["imported"]
        if row["skipped"]:
            report.skipped[row["kind"]] = row["skipped"]
    report.skipped_items = list(
        ImportedObject.objects.filter(run=run)
        .exclude(skipped="")
        .order_by("kind", "pk")
        .values_list("kind", "source_id", "skipped")
    )
    report.warnings = list(
        ImportWarning.objects.filter(run=run)
        .order_by("code", "subject")
        .values_list("code", "subject", "message")
    )
    return report
