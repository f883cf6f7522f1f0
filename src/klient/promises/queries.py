"""Kept and broken promises per agent or team (the report of issue 17, item 3)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from .models import Promise

State = Promise.State


def promise_report(promises: QuerySet[Promise], group: str) -> list[dict[str, Any]]:
    """One row per agent or team: how many promises were kept, broken, still open or
    offered, and the kept share of those decided (kept / (kept + broken))."""
    if group not in ("agent", "team"):
        raise ValueError("group is agent or team")
    key, label = ("agent_id", "agent__username") if group == "agent" else ("team_id", "team__name")
    rows = (
        promises.values(key, label)
        .annotate(
            kept=Count("pk", filter=Q(state=State.KEPT)),
            broken=Count("pk", filter=Q(state=State.BROKEN)),
            open=Count("pk", filter=Q(state=State.OPEN)),
            offered=Count("pk", filter=Q(state=State.OFFERED)),
        )
        .order_by(label)
    )
    report = []
    for row in rows:
        decided = row["kept"] + row["broken"]
        report.append(
            {
                "id": row[key],
                "name": row[label] or "",
                "kept": row["kept"],
                "broken": row["broken"],
                "open": row["open"],
                "offered": row["offered"],
                "kept_rate": round(row["kept"] / decided, 3) if decided else None,
            }
        )
    return report
