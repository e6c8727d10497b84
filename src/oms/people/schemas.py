"""Input and output schemas of the person API. Inputs forbid unknown fields and bound every string
and list (AZ-4, IN-1); choices are enums taken from the models."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from oms.people.models import Alert, CaseNote, Identifier, Person, Sex
from oms.web.api_schemas import ErrorOut, StrictIn

StatusName = Literal[tuple(Person.Status.values)]


SexName = Literal[tuple(Sex.values)]


LegalStatusName = Literal[tuple(Person.LegalStatus.values)]


IdentifierKind = Literal[tuple(Identifier.Kind.values)]


AliasKind = Literal["alias", "birth", "maiden"]


AlertType = Literal[tuple(Alert.Type.values)]


AlertLevel = Literal[tuple(Alert.Level.values)]


NoteType = Literal[tuple(CaseNote.Type.values)]


class IdentifierOut(Schema):
    id: int
    kind: str
    value: str
    issued_by: str


class NameOut(Schema):
    id: int
    kind: str
    family_name: str
    given_name: str
    date_of_birth: dt.date | None


class AlertOut(Schema):
    id: uuid.UUID
    type: str
    level: str
    description: str
    starts_on: dt.date
    ends_on: dt.date | None
    closed_at: dt.datetime | None
    closed_reason: str


class PersonSummaryOut(Schema):
    id: uuid.UUID
    system_number: str
    family_name: str
    given_name: str
    date_of_birth: dt.date | None
    status: str
    identifiers: list[IdentifierOut]
    match: str
    matched_name: str
    score: float


class SearchOut(Schema):
    items: list[PersonSummaryOut]
    count: int
    limit: int
    offset: int


class PersonOut(Schema):
    id: uuid.UUID
    system_number: str
    family_name: str
    given_name: str
    middle_names: str
    date_of_birth: dt.date | None
    sex: str
    gender_identity: str
    ethnicity: str
    nationality: str
    languages: list[str]
    interpreter_required: bool
    status: str
    legal_status: str
    version: int
    names: list[NameOut]
    identifiers: list[IdentifierOut]
    active_alerts: list[AlertOut]


class DuplicateOut(Schema):
    id: uuid.UUID | None = None
    system_number: str | None = None
    family_name: str | None = None
    given_name: str | None = None
    date_of_birth: dt.date | None = None
    score: int
    reasons: list[str]
    in_scope: bool


class DuplicatesErrorOut(ErrorOut):
    candidates: list[DuplicateOut]


class NoteOut(Schema):
    id: uuid.UUID
    type: str
    sensitive: bool
    text: str
    created_at: dt.datetime


class TimelineOut(Schema):
    at: dt.datetime
    kind: str
    title: str
    detail: str
    by: str


class MergeOut(Schema):
    survivor: PersonOut
    duplicate_id: uuid.UUID
    moved: dict[str, int]
    dropped: dict[str, int]


class SearchIn(StrictIn):
    """A person search, sent in the body so names and numbers never reach a URL or an access log (DP-2)."""

    q: str = Field("", max_length=200, description="Name, system number or identifier")
    date_of_birth: dt.date | None = None
    born_from: dt.date | None = None
    born_to: dt.date | None = None
    min_age: int | None = Field(None, ge=0, le=150)
    max_age: int | None = Field(None, ge=0, le=150)
    status: StatusName | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1000)


class MergeIn(StrictIn):
    survivor_id: uuid.UUID
    duplicate_id: uuid.UUID
    reason: str = Field(..., min_length=1, max_length=500)


class PortalAccountIn(StrictIn):
    username: str = Field(..., min_length=1, max_length=150)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)


class PortalAccountOut(Schema):
    username: str
    one_time_password: str  # shown once: the participant changes it and enrols an authenticator at first sign-in


class PortalCloseIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=500)


class AliasIn(StrictIn):
    family_name: str = Field(..., min_length=1, max_length=100)
    given_name: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None


class IdentifierIn(StrictIn):
    kind: IdentifierKind
    value: str = Field(..., min_length=1, max_length=50)
    issued_by: str = Field("", max_length=100)


class PersonCreateIn(StrictIn):
    family_name: str = Field(..., min_length=1, max_length=100)
    given_name: str = Field(..., min_length=1, max_length=100)
    middle_names: str = Field("", max_length=200)
    date_of_birth: dt.date | None = None
    sex: SexName = Sex.NOT_KNOWN.value
    gender_identity: str = Field("", max_length=100)
    ethnicity: str = Field("", max_length=100)
    nationality: str = Field("", max_length=100)
    languages: list[str] = Field(default_factory=list, max_length=10)
    interpreter_required: bool = False
    legal_status: LegalStatusName = Person.LegalStatus.NONE.value
    site_id: uuid.UUID | None = None
    aliases: list[AliasIn] = Field(default_factory=list, max_length=20)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=20)
    duplicate_override_reason: str = Field("", max_length=500)


class PersonUpdateIn(StrictIn):
    version: int = Field(..., ge=1, le=2_000_000_000)
    family_name: str | None = Field(None, min_length=1, max_length=100)
    given_name: str | None = Field(None, min_length=1, max_length=100)
    middle_names: str | None = Field(None, max_length=200)
    date_of_birth: dt.date | None = None
    sex: SexName | None = None
    gender_identity: str | None = Field(None, max_length=100)
    ethnicity: str | None = Field(None, max_length=100)
    nationality: str | None = Field(None, max_length=100)
    languages: list[str] | None = Field(None, max_length=10)
    interpreter_required: bool | None = None
    legal_status: LegalStatusName | None = None
    status: Literal["active", "inactive", "deceased"] | None = None


class NewAliasIn(AliasIn):
    kind: AliasKind = "alias"


class AlertIn(StrictIn):
    type: AlertType
    level: AlertLevel = "medium"
    description: str = Field("", max_length=4000)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class CloseAlertIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=500)


class NoteIn(StrictIn):
    type: NoteType = "general"
    text: str = Field(..., min_length=1, max_length=10000)
    sensitive: bool = False


class TimelineParams(Schema):
    limit: int = Field(100, ge=1, le=500)


class EndIn(StrictIn):
    """Ending a site link or an allocation: why, and the day (today when left out)."""

    reason: str = Field(..., min_length=1, max_length=500)
    ended_on: dt.date | None = None


class RemoveIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=500)


class SiteLinkOut(Schema):
    id: int
    site: uuid.UUID
    kind: str
    started_on: dt.date
    ended_on: dt.date | None


class AllocationOut(Schema):
    id: int
    staff: str
    site: uuid.UUID
    started_on: dt.date
    ended_on: dt.date | None


class PhotoOut(Schema):
    id: int
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
