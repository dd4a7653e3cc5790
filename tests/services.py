"""Real PostgreSQL and Redis servers on 127.0.0.1 for the storage tests, the scale-out test and the load benchmark,
from Debian's packages.

They are installed with apt-get when missing (as root, where apt-get is), started on free ports in a temporary
directory, and stopped and deleted afterwards. Without them, `unavailable()` says why and the callers skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.rasa_runtime.action_server import free_port

PACKAGES = ("postgresql", "redis-server")
START_TIMEOUT = 60.0


def postgres_bin() -> Path | None:
    """The directory of PostgreSQL's server programs (initdb, pg_ctl), newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]), reverse=True)
    return Path(found[0]).parent if found else None


def unavailable() -> str | None:
    """Why the servers cannot be run here (None when they can), installing them first if possible."""
    if postgres_bin() is None or shutil.which("redis-server") is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            return "PostgreSQL and Redis are not installed (apt-get install postgresql redis-server)"
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
        if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
            if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
                return "apt-get could not install postgresql and redis-server"
    return None


def as_postgres(command: list[str]) -> list[str]:
    """A command run as the postgres user when we are root (PostgreSQL refuses to run as root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def wait_until(check: Callable[[], bool], what: str) -> None:
    """Wait until check() is true, or raise after START_TIMEOUT."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {START_TIMEOUT:.0f} s")


@contextmanager
def postgres() -> Iterator[dict[str, str]]:
    """Start PostgreSQL on a free loopback port with a database `tanya`; yield the TANYA_POSTGRES_* settings."""
    binaries = postgres_bin()
    assert binaries is not None, "call unavailable() first"
    scratch = Path(tempfile.mkdtemp(prefix="tanya-postgres-"))
    data, sockets = scratch / "postgres", scratch / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(scratch, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    try:
        subprocess.run(as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "tanya", "--auth=trust", "-E", "UTF8"]),
                       check=True, capture_output=True)
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(scratch / "pg.log"),
                                    "-w", "start"]), check=True, capture_output=True)
        subprocess.run([str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "tanya", "tanya"],
                       check=True, capture_output=True)
        yield {"TANYA_POSTGRES_HOST": "127.0.0.1", "TANYA_POSTGRES_PORT": str(port), "TANYA_POSTGRES_DB": "tanya",
               "TANYA_POSTGRES_USER": "tanya", "TANYA_POSTGRES_PASSWORD": ""}
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                           capture_output=True, check=False)
        shutil.rmtree(scratch, ignore_errors=True)


def database_url(settings: dict[str, str], schema: str | None = None) -> str:
    """The bot's DATABASE_URL for a server started by postgres() (with its tables in one schema, if given)."""
    url = (f"postgresql://{settings['TANYA_POSTGRES_USER']}@127.0.0.1:{settings['TANYA_POSTGRES_PORT']}/"
           f"{settings['TANYA_POSTGRES_DB']}")
    return f"{url}?options=-csearch_path%3D{schema}" if schema else url


def new_database(settings: dict[str, str]) -> dict[str, str]:
    """A new, empty database on the same server: the settings that point Rasa and the desk at it."""
    binaries = postgres_bin()
    assert binaries is not None, "call unavailable() first"
    name = f"tanya_{uuid.uuid4().hex[:12]}"
    subprocess.run([str(binaries / "createdb"), "-h", "127.0.0.1", "-p", settings["TANYA_POSTGRES_PORT"], "-U",
                    settings["TANYA_POSTGRES_USER"], name], check=True, capture_output=True)
    moved = {**settings, "TANYA_POSTGRES_DB": name}
    return {"TANYA_POSTGRES_DB": name, "DATABASE_URL": database_url(moved)}


@contextmanager
def postgres_and_redis() -> Iterator[dict[str, str]]:
    """Start PostgreSQL and Redis on free loopback ports; yield the TANYA_POSTGRES_* / TANYA_REDIS_* settings and
    the bot's DATABASE_URL for the same PostgreSQL."""
    with postgres() as settings:
        port = free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], check=False, capture_output=True,
                                              text=True).stdout.strip() == "PONG", "Redis")
            yield {**settings, "TANYA_REDIS_HOST": "127.0.0.1", "TANYA_REDIS_PORT": str(port),
                   "DATABASE_URL": database_url(settings)}
        finally:
            redis.terminate()
            redis.wait(timeout=30)
