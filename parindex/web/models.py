"""The workspace's data (CONTRACT §5): editions, units, cycles and their rounds, accounts,
evidence with both sides (declared and appraised), one-stop rows, report dates, adjustments,
survey answers, documents, and the record of every change.

Cells are kept as text, exactly as typed (as a bundle's CSV holds them): the same checks and
the same engine read them through :mod:`parindex.web.store`, so the site and
``parindex score`` of an export cannot disagree. Every row a user writes carries a
``version`` (optimistic locking: a write from a stale page is refused with 409).

Longer than 300 lines because it is the one data model of §5, every table beside the others.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

ROUNDS = ("self_assessment", "appraisal", "explanation", "appraisal_2", "final", "published")
ROLES = ("admin", "appraiser", "unit", "viewer")


class Edition(models.Model):
    """A criteria edition as imported (its YAML text): a cycle keeps the one it was opened
    with, even when a newer text of the same id is imported later."""

    code = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    text = models.TextField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "sha256"],
                                               name="edition_text_once")]

    def __str__(self) -> str:
        return f"{self.code} ({self.sha256[:8]})"


class Unit(models.Model):
    """A unit across the years (its code); its name, type and group of a year are in
    :class:`Member`."""

    code = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Cycle(models.Model):
    """One assessment year of one edition for a set of units, in one round."""

    name = models.CharField(max_length=200, unique=True)
    year = models.IntegerField()
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT)
    authority = models.CharField(max_length=300, blank=True)
    round = models.CharField(max_length=20, choices=[(r, r) for r in ROUNDS],
                             default="self_assessment")
    #: the bundle tables the cycle has and their columns (the shape its export takes)
    tables = models.JSONField(default=dict)
    #: raised by every write to the cycle's data: the key of the cached scores
    data_version = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Deadline(models.Model):
    """A round's deadline (the last day on which writes of that round are accepted)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="deadlines")
    round = models.CharField(max_length=20)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "round"],
                                               name="one_deadline_per_round")]


class Member(models.Model):
    """A unit in a cycle: its name, type and ranking group that year, and its submission."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="members")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(max_length=300)
    type = models.CharField(max_length=20)
    group = models.CharField(max_length=300)
    ranked = models.CharField(max_length=20, blank=True)
    position = models.IntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    #: the unit's checked state, written by every write validated through the unit's
    #: check, in its transaction (:mod:`parindex.web.unit_state`); None: none yet
    state = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"],
                                               name="unit_once_per_cycle")]
        ordering = ["position", "id"]

    @property
    def code(self) -> str:
        return str(self.unit.code)


class Extension(models.Model):
    """A round's deadline moved for one unit, with the reason (on the record)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="extensions")
    round = models.CharField(max_length=20)
    day = models.DateField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)


class Profile(models.Model):
    """An account's role, and its unit (role ``unit``) or groups (role ``appraiser``; none
    listed = every group)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="profile")
    role = models.CharField(max_length=20, choices=[(r, r) for r in ROLES])
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)
    groups = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Token(models.Model):
    """An API token, stored as its SHA-256 (the key itself is shown once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class Evidence(models.Model):
    """One unit's row for one leaf: both sides of the assessment and what was said."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.CharField(max_length=100)
    value = models.TextField(blank=True)
    appraised = models.TextField(blank=True)
    source = models.TextField(blank=True)
    note = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    explanation = models.TextField(blank=True)
    version = models.IntegerField(default=1)
    position = models.IntegerField(default=0)
    #: when and by whom the council decided this leaf (a blank ``appraised`` with a date is
    #: "accepted as declared"; without one, not appraised yet)
    appraised_at = models.DateTimeField(null=True, blank=True)
    appraised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "criterion"],
                                               name="one_row_per_leaf")]
        ordering = ["position", "id"]


class OneStop(models.Model):
    """A unit's one-stop row (``period`` blank = the whole year, or Q1…Q4); the §2 columns
    as typed."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="one_stop")
    period = models.CharField(max_length=5, blank=True)
    counts = models.JSONField(default=dict)
    version = models.IntegerField(default=1)
    position = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "period"],
                                               name="one_stop_once_per_period")]
        ordering = ["position", "id"]


class ReportDate(models.Model):
    """When a unit sent one periodic report (as typed: dd/mm/yyyy or ISO)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reports")
    report = models.CharField(max_length=100)
    submitted = models.CharField(max_length=40, blank=True)
    version = models.IntegerField(default=1)
    position = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "report"],
                                               name="report_once_per_unit")]
        ordering = ["position", "id"]


class Adjustment(models.Model):
    """A bonus or penalty of the council, with its reason."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=20)
    points = models.CharField(max_length=40)
    reason = models.TextField(blank=True)
    document = models.ForeignKey("Document", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    version = models.IntegerField(default=1)
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class SurveySheet(models.Model):
    """A unit's survey answers, one list ``[respondent, question, answer]`` each (kept as
    one value: a national survey has millions of answers, read and written only whole)."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="survey")
    answers = models.JSONField(default=list)


class Lineage(models.Model):
    """A unit formed by merger and one of its predecessors (for trends)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="lineage")
    code = models.CharField(max_length=50)
    predecessor = models.CharField(max_length=50)


class Document(models.Model):
    """An evidence document: stored under a generated name, served only as a download to
    those who may see the unit. Removing one keeps the row (``removed_at``) for the record."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(max_length=255)
    stored = models.CharField(max_length=80, unique=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)


class DocumentRequest(models.Model):
    """The council asks a unit for a missing document on a leaf, by a day."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="requests")
    text = models.TextField()
    due = models.DateField(null=True, blank=True)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)


class Change(models.Model):
    """One recorded write: who, when, what, before, after. Written in the transaction of
    the change; never updated or deleted through the application."""

    cycle = models.ForeignKey(Cycle, null=True, on_delete=models.PROTECT,
                              related_name="changes")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.CharField(max_length=150)
    action = models.CharField(max_length=40)
    unit = models.CharField(max_length=50, blank=True)
    criterion = models.CharField(max_length=100, blank=True)
    field = models.CharField(max_length=40, blank=True)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the record of changes cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *_args: Any, **_kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the record of changes cannot be deleted")
