"""Shared fixtures: paths, the seed, and workbenches that load the model once per session.

Tests about what claims *mean* (search ranking, clusters, comparison) run on the real model
(``seeded``, ``wb``). Tests that only need vectors of the right shape (storage, repair,
index kinds, ingest bookkeeping) use ``FAKE_MODEL``: the deterministic hashed-word
``HashEmbedder``, in process (``fake_wb``) or in a subprocess (``WORKBENCH_MODEL``)."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_faa9dfb136758eec.txt"
SHARED = ROOT.parent / "shared" / "data"

FAKE_MODEL = "hash-384"  # workbench.retrieval.fake_embed.HashEmbedder, see embedder_for
# Fixtures that embed with the real model: a test using one (directly or through another
# fixture) is marked ``slow``, so ``pytest -m "not slow"`` runs the model-free set.
REAL_MODEL_FIXTURES = {"seeded_dir", "wb", "afpak"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


SEEDED_SCHEMA = f"seeded_{os.getpid()}"


def _pg_copy(src_schema: str, dst_schema: str) -> None:
    """Copy the seeded schema's rows into a test's schema (``workbench migrate``'s copy)."""
    from workbench.store.postgres import PgStore
    from workbench.store.transfer import copy_store

    src, dst = PgStore(PG_URL, src_schema, Path(".")), PgStore(PG_URL, dst_schema, Path("."))
    try:
        copy_store(src, dst, replace=True)
    finally:
        src.close()
        dst.close()


def backend_env() -> dict[str, str]:
    """The store settings of this test (PostgreSQL pass), for a subprocess given a bare env."""
    keys = ("WORKBENCH_DATABASE_URL", "WORKBENCH_DATABASE_SCHEMA", "WORKBENCH_AUTH",
            "WORKBENCH_USER", "WORKBENCH_TOKEN")  # fmt: skip
    return {k: os.environ[k] for k in keys if k in os.environ}


def copy_seeded(seeded_dir: Path, target: Path) -> None:
    """A private copy of the seeded data directory (and, on PostgreSQL, of its store)."""
    shutil.copytree(seeded_dir, target)
    if PG_URL:
        _pg_copy(SEEDED_SCHEMA, os.environ["WORKBENCH_DATABASE_SCHEMA"])


needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is absent")


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, skipping the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the seed ingested (attribution on), built once per session."""
    from workbench.api import Workbench

    data = tmp_path_factory.mktemp("seeded")
    pg = {}
    if PG_URL:  # built once in its own schema; ``seeded`` copies it into each test's
        _pg_drop(SEEDED_SCHEMA)
        _pg_prepare(SEEDED_SCHEMA)
        pg = {"database_url": PG_URL, "database_schema": SEEDED_SCHEMA, **PG_SIGN_IN}
    with Workbench.open(data, **pg) as wb:
        report = wb.ingest([SEEDS])
        assert report.ingested == 1, report.to_dict()
    return data


@pytest.fixture()
def seeded(seeded_dir: Path, tmp_path: Path) -> Iterator:
    """A private copy of the seeded data directory, open; tests may change it freely."""
    from workbench.api import Workbench

    data = tmp_path / "seeded-data"
    copy_seeded(seeded_dir, data)
    wb = Workbench.open(data)
    yield wb
    wb.close()


@pytest.fixture()
def wb(tmp_path: Path) -> Iterator:
    """An empty workbench in a temporary data directory."""
    from workbench.api import Workbench

    wb = Workbench.open(tmp_path / "empty-data")
    yield wb
    wb.close()


@pytest.fixture()
def fake_wb(tmp_path: Path) -> Iterator:
    """An empty workbench on the deterministic fake embedder (no model loaded)."""
    from workbench.api import Workbench

    wb = Workbench.open(tmp_path / "fake-data", model=FAKE_MODEL)
    yield wb
    wb.close()


@pytest.fixture(scope="session")
def nlp():
    """The bundled spaCy pipeline, loaded once (skips when the model is not installed)."""
    from workbench.attribution.model import load_nlp

    try:
        return load_nlp()
    except Exception as exc:  # model not installed on this machine
        pytest.skip(f"spaCy model unavailable: {exc}")


@pytest.fixture(scope="session")
def rule_attributor(nlp):
    """An Attributor on the bundled spaCy model, without the outlet registry (rules alone)."""
    from workbench.attribution import Attributor

    return Attributor(nlp=nlp, use_default_matcher=False)


@pytest.fixture(scope="session")
def outlet_attributor(nlp):
    """An Attributor whose outlet matcher knows the few outlets the attribution tests name."""
    from tests.attribution_support import fake_matcher
    from workbench.attribution import Attributor

    return Attributor(nlp=nlp, outlet_matcher=fake_matcher)


# --- the PostgreSQL pass (scripts/test.sh): each test gets a fresh schema ------------------

PG_URL = os.environ.get("WORKBENCH_TEST_DATABASE_URL", "")
PG_USER = "tester"
# Fixed test token for the per-schema admin the PostgreSQL pass acts as (team mode is always
# on there); only its hash is stored, as for any token.
PG_TOKEN = "workbench-test-token-not-a-secret"
PG_PASSWORD = "tester-pass-1"  # for tests that sign in through a form (the browser tests)
PG_SIGN_IN = {"user": PG_USER, "token": PG_TOKEN}
needs_sqlite = pytest.mark.skipif(bool(PG_URL), reason="about the SQLite file store")
two_stores = pytest.mark.skipif(
    bool(PG_URL), reason="two data directories in one test share the test's one PostgreSQL schema"
)


@functools.lru_cache(maxsize=1)
def _pg_password_hash() -> str:
    """One argon2 hash of :data:`PG_PASSWORD` for every schema (hashing is slow on purpose)."""
    from workbench.auth.secrets import hash_password

    return hash_password(PG_PASSWORD)


def _pg_prepare(schema: str) -> None:
    """Migrate ``schema`` and give it the admin the test acts as (``PG_USER``, signed in with
    ``PG_TOKEN``, or with ``PG_PASSWORD`` through a sign-in form)."""
    from workbench.auth.secrets import token_hash
    from workbench.auth.service import now_iso
    from workbench.store.postgres import PgStore

    store = PgStore(PG_URL, schema, Path("."))
    try:
        with store.transaction():
            if store.user_by_name(PG_USER) is None:
                uid = store.insert_user(PG_USER, "admin", _pg_password_hash(), now_iso())
                store.insert_session(
                    token_hash(PG_TOKEN), uid, "token", "", now_iso(), "9999-12-31T00:00:00Z"
                )
    finally:
        store.close()


def module_store(schema: str) -> dict[str, str]:
    """PostgreSQL pass: a module-wide schema holding a copy of the seeded store, and the
    settings that open it (before the per-test fixture puts its own in the environment);
    on SQLite nothing (the data directory holds the store)."""
    if not PG_URL:
        return {}
    _pg_drop(schema)
    _pg_prepare(schema)
    _pg_copy(SEEDED_SCHEMA, schema)
    return {"database_url": PG_URL, "database_schema": schema, **PG_SIGN_IN}


def _pg_drop(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(autouse=True)
def _pg_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[str | None]:
    """With WORKBENCH_TEST_DATABASE_URL set, every test runs against a fresh PostgreSQL schema
    (its subprocesses too, through the environment), signed in as that schema's admin: sign-in
    is always on with PostgreSQL, so the storage pass runs as a named user (``PG_USER``)."""
    if not PG_URL:
        yield None
        return
    import uuid

    schema = f"t_{uuid.uuid4().hex[:16]}"
    _pg_prepare(schema)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", PG_URL)
    monkeypatch.setenv("WORKBENCH_DATABASE_SCHEMA", schema)
    monkeypatch.delenv("WORKBENCH_AUTH", raising=False)  # auto: on with PostgreSQL
    monkeypatch.setenv("WORKBENCH_USER", PG_USER)
    monkeypatch.setenv("WORKBENCH_TOKEN", PG_TOKEN)
    yield schema
    _pg_drop(schema)


def user_env(wb: Any, name: str, role: str = "checker") -> dict[str, str]:
    """PostgreSQL pass: ``WORKBENCH_USER`` + ``WORKBENCH_TOKEN`` of user ``name`` in ``wb``'s
    schema (created when missing), for a CLI run or subprocess that acts as them. On SQLite
    nothing: there the typed reviewer name is the reviewer."""
    if not PG_URL or getattr(wb.store, "backend", "sqlite") != "postgresql":
        return {}
    from workbench.auth.secrets import new_token, token_hash
    from workbench.auth.service import now_iso

    token = new_token()
    with wb.store.transaction():
        found = wb.store.user_by_name(name)
        uid = found[0].id if found else wb.store.insert_user(name, role, "!", now_iso())
        wb.store.insert_session(token_hash(token), uid, "token", "", now_iso(),
                                "9999-12-31T00:00:00Z")  # fmt: skip
    return {"WORKBENCH_USER": name, "WORKBENCH_TOKEN": token}


def act_as(wb: Any, name: str, role: str = "checker") -> str:
    """PostgreSQL pass: ``wb`` acts as user ``name`` (created in its schema when missing), so a
    note's reviewer is who is signed in, as team mode requires, and a typed reviewer name is
    ignored. On SQLite (the embedded default, where the typed name is the reviewer) nothing
    changes. Returns ``name``, to be passed as the typed reviewer:
    ``notes.add(claim, "false", reviewer=act_as(wb, "Ana"))`` holds on both backends."""
    if env := user_env(wb, name, role):
        wb.act_with_token(env["WORKBENCH_TOKEN"])
    return name


def signed_in(at: Any) -> Any:
    """PostgreSQL pass: an AppTest whose browser session is signed in as the schema's admin
    (``PG_USER``; the app's sign-in gate is always there with PostgreSQL). Returns ``at``."""
    if PG_URL:
        from workbench.ui.components.signin import TOKEN_KEY

        at.session_state[TOKEN_KEY] = PG_TOKEN
    return at
