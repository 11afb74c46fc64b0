"""tasktide's create and search in the stack its first specs were written for: FastAPI + SQLModel
on asyncpg under uvicorn. `bun run bench:api` runs it beside the api on the same tables (the api's
migrations made them) and drives both with the same wrk requests.

Per request it does what the api does: verify the HS256 access token (same issuer, audience and
required claims); create: read the user (existence and default zone), validate the body, insert the
task and its two outbox rows in one transaction, answer 201 with the task; search: the same
filters, prefix + trigram text search, multi-key sort (nulls last, id last), keyset page size + 1
and a next cursor. Written the way its documentation shows, not tuned.
"""

import base64
import datetime as dt
import json
import os
import re
import uuid
from functools import lru_cache
from typing import Literal, Optional
from zoneinfo import ZoneInfo

import jwt
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import REAL, Column, DateTime, Enum, Integer, Text, cast, column, func, or_, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlmodel import Field as Col
from sqlmodel import SQLModel, select

SECRET = os.environ["JWT_SECRET"]
engine = create_async_engine(
    os.environ["DATABASE_URL"].replace("postgres://", "postgresql+asyncpg://", 1),
    pool_size=10,
    max_overflow=0,
    connect_args={"server_settings": {"pg_trgm.word_similarity_threshold": "0.5", "application_name": "peer"}},
)
app = FastAPI(title="tasktide peer")

PRIORITIES = ("none", "low", "medium", "high")
priority_type = Enum(*PRIORITIES, name="priority", schema="api", create_type=False)
status_type = Enum("open", "completed", name="task_status", schema="api", create_type=False)
tstz = DateTime(timezone=True)


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = {"schema": "api"}
    id: uuid.UUID = Col(primary_key=True)
    email: str
    password_hash: str
    display_name: str
    timezone: str
    tokens_valid_after: Optional[dt.datetime] = Col(default=None, sa_column=Column(tstz))


class Task(SQLModel, table=True):
    __tablename__ = "tasks"
    __table_args__ = {"schema": "api"}
    id: uuid.UUID = Col(primary_key=True)
    user_id: uuid.UUID
    project_id: uuid.UUID
    title: str
    description: str = ""
    priority: str = Col(default="none", sa_column=Column(priority_type, nullable=False))
    tags: list[str] = Col(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    due_at: Optional[dt.datetime] = Col(default=None, sa_column=Column(tstz))
    timezone: str
    reminders: list[int] = Col(default_factory=list, sa_column=Column(ARRAY(Integer), nullable=False))
    recurrence: Optional[str] = None
    status: str = Col(default="open", sa_column=Column(status_type, nullable=False))
    completed_at: Optional[dt.datetime] = Col(default=None, sa_column=Column(tstz))
    series_id: Optional[uuid.UUID] = None
    parent_id: Optional[uuid.UUID] = None
    series_start: Optional[dt.datetime] = Col(default=None, sa_column=Column(tstz))
    occurrence_index: int = 0
    version: int = 1
    created_at: dt.datetime = Col(sa_column=Column(tstz, nullable=False))
    updated_at: dt.datetime = Col(sa_column=Column(tstz, nullable=False))


class Outbox(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = {"schema": "api"}
    id: Optional[int] = Col(default=None, primary_key=True)
    event_id: uuid.UUID
    topic: str
    partition_key: str
    event_type: str
    envelope: dict = Col(sa_column=Column(JSONB, nullable=False))


Tag = Field(min_length=1, max_length=50, pattern=r"^[^\s,]+$")


class CreateTask(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    description: Optional[str] = Field(default=None, max_length=10_000)
    priority: Optional[Literal["none", "low", "medium", "high"]] = None
    tags: Optional[list[str]] = Field(default=None, max_length=20)
    due_at: Optional[dt.datetime] = None
    timezone: Optional[str] = Field(default=None, min_length=1, max_length=64)
    reminders: Optional[list[int]] = Field(default=None, max_length=10)
    recurrence: Optional[str] = Field(default=None, min_length=1, max_length=1000)

    @field_validator("tags")
    @classmethod
    def tag_shape(cls, tags):
        for tag in tags or []:
            if not tag or len(tag) > 50 or re.search(r"[\s,]", tag):
                raise ValueError("tags must be 1-50 characters without spaces or commas")
        return tags

    @field_validator("reminders")
    @classmethod
    def reminder_range(cls, reminders):
        if any(r < 0 or r > 525_600 for r in reminders or []):
            raise ValueError("reminders are 0-525600 minutes")
        return reminders


class TaskOut(BaseModel):
    id: uuid.UUID
    title: str
    description: str
    priority: str
    tags: list[str]
    due_at: Optional[str]
    timezone: str
    reminders: list[int]
    recurrence: Optional[str]
    status: str
    completed_at: Optional[str]
    series_id: Optional[uuid.UUID]
    parent_id: Optional[uuid.UUID]
    version: int
    created_at: str
    updated_at: str


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_cursor: Optional[str]


def iso(value: Optional[dt.datetime]) -> Optional[str]:
    return None if value is None else value.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_out(task: Task) -> dict:
    return {
        "id": task.id, "title": task.title, "description": task.description, "priority": task.priority,
        "tags": task.tags, "due_at": iso(task.due_at), "timezone": task.timezone, "reminders": task.reminders,
        "recurrence": task.recurrence, "status": task.status, "completed_at": iso(task.completed_at),
        "series_id": task.series_id, "parent_id": task.parent_id, "version": task.version,
        "created_at": iso(task.created_at), "updated_at": iso(task.updated_at),
    }


def current_user(authorization: str = Header(default="")) -> uuid.UUID:
    if not authorization.lower().startswith("bearer "):
        raise HTTPException(401, "Send an Authorization: Bearer <token> header")
    try:
        claims = jwt.decode(
            authorization[7:].strip(), SECRET, algorithms=["HS256"], audience="tasktide-api", issuer="tasktide",
            options={"require": ["exp", "iat", "sub"]},
        )
        return uuid.UUID(claims["sub"])
    except (jwt.PyJWTError, ValueError):
        raise HTTPException(401, "The access token is not valid")


@lru_cache(maxsize=1024)
def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
        return True
    except Exception:
        return False


INBOX_WRITABLE = text(
    "select p.id from api.projects p join api.project_members m on m.project_id = p.id"
    " where p.created_by = :user and p.is_inbox and m.user_id = :user and m.status = 'active'"
    " and m.role in ('editor', 'admin')"
)
MY_PROJECTS = text("select project_id from api.project_members where user_id = :user and status = 'active'")


@app.post("/api/v1/tasks", status_code=201, response_model=TaskOut)
async def create_task(body: CreateTask, response: Response, user_id: uuid.UUID = Depends(current_user)):
    async with AsyncSession(engine, expire_on_commit=False) as session:
        user = await session.get(User, user_id)
        if user is None:
            raise HTTPException(401, "The account no longer exists")
        zone = body.timezone or user.timezone
        if not is_zone(zone) or not body.title.strip():
            raise HTTPException(400, "invalid task")
        if (body.reminders or body.recurrence) and body.due_at is None:
            raise HTTPException(400, "reminders and recurrence need a due date")
        # The api's create checks the same: the Inbox, and a role that may write tasks there.
        project_id = (await session.execute(INBOX_WRITABLE, {"user": user_id})).scalar()
        if project_id is None:
            raise HTTPException(403, "may not write tasks in this project")
        now = dt.datetime.now(dt.timezone.utc)
        task = Task(
            id=uuid.uuid4(), user_id=user_id, project_id=project_id, title=body.title.strip(), description=body.description or "",
            priority=body.priority or "none", tags=list(dict.fromkeys(t.lower() for t in body.tags or [])),
            due_at=body.due_at, timezone=zone, reminders=sorted(set(body.reminders or []), reverse=True),
            recurrence=body.recurrence, created_at=now, updated_at=now,
        )
        out = to_out(task)
        event_id = uuid.uuid4()
        snapshot = {key: out[key] for key in ("title", "description", "priority", "tags", "due_at", "timezone",
                                              "reminders", "recurrence", "status", "completed_at", "version")}
        envelope = {
            "event_id": str(event_id), "event_type": "task.created", "schema_version": 1, "user_id": str(user_id),
            "timestamp": iso(now), "correlation_id": str(uuid.uuid4()),
            "payload": {**snapshot, "task_id": str(task.id), "series_id": None, "parent_id": None,
                        "series_start": None, "occurrence_index": 0},
        }
        session.add(task)
        for topic in ("task-events", "task-updates"):
            session.add(Outbox(event_id=event_id, topic=topic, partition_key=str(user_id),
                               event_type="task.created", envelope=envelope))
        await session.commit()
    response.headers["location"] = f"/api/v1/tasks/{task.id}"
    return out


SORT_COLUMNS = {"priority": Task.priority, "due_at": Task.due_at, "created_at": Task.created_at,
                "updated_at": Task.updated_at, "title": Task.title}


@app.get("/api/v1/tasks", response_model=TaskPage)
async def list_tasks(
    user_id: uuid.UUID = Depends(current_user),
    q: Optional[str] = Query(default=None, max_length=200),
    status: Literal["open", "completed", "all"] = "all",
    priority: Optional[str] = None,
    sort: Optional[str] = None,
    limit: int = Query(default=50, ge=1, le=100),
):
    words = re.findall(r"[^\W_]+", (q or "").lower())[:8]
    rank = cast(0, REAL)
    # Like the api: the tasks of the user's projects, named in the statement.
    async with AsyncSession(engine) as session:
        projects = [row[0] for row in (await session.execute(MY_PROJECTS, {"user": user_id})).all()]
    stmt = select(Task).where(Task.project_id.in_(projects))
    if status != "all":
        stmt = stmt.where(Task.status == status)
    if priority:
        wanted = [p.strip() for p in priority.split(",") if p.strip()]
        if any(p not in PRIORITIES for p in wanted):
            raise HTTPException(400, "unknown priority")
        stmt = stmt.where(Task.priority.in_(wanted))
    if words:
        tsquery = func.to_tsquery("simple", " & ".join(f"{w}:*" for w in words))
        loose = " ".join(words)
        stmt = stmt.where(or_(column("search").op("@@")(tsquery), column("search_text").op("%>")(loose)))
        rank = cast(func.ts_rank(column("search"), tsquery) + func.word_similarity(loose, column("search_text")), REAL)
    order = []
    keys = [k.strip() for k in (sort or ("-relevance" if words else "-created_at")).split(",") if k.strip()]
    for key in keys:
        name = key.lstrip("-")
        if name not in SORT_COLUMNS and not (name == "relevance" and words):
            raise HTTPException(400, "unknown sort key")
        expr = rank if name == "relevance" else SORT_COLUMNS[name]
        order.append((expr.desc() if key.startswith("-") else expr.asc()).nulls_last())
    stmt = stmt.add_columns(rank.label("rank")).order_by(*order, Task.id.asc()).limit(limit + 1)
    async with AsyncSession(engine) as session:
        rows = (await session.execute(stmt)).all()
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last, last_rank = page[-1]
        values = [last_rank if k.lstrip("-") == "relevance" else getattr(last, k.lstrip("-")) for k in keys]
        cursor = {"s": ",".join(keys), "v": [v.isoformat() if isinstance(v, dt.datetime) else v for v in values],
                  "id": str(last.id)}
        next_cursor = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode().rstrip("=")
    return {"items": [to_out(task) for task, _ in page], "next_cursor": next_cursor}


@app.get("/readyz")
async def ready():
    return {"ok": True}
