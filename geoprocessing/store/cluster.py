"""The embedded PostgreSQL + PostGIS cluster under ``var/pg/``.

Used when ``LAGUNA_DATABASE_URL`` is not set. The cluster listens on 127.0.0.1 only, on a
port chosen once (free at creation) and kept in ``var/pg/port``, with trust
authentication for the ``laguna`` role: it is a private, per-checkout store.

As root, the server runs as an unprivileged OS user (``initdb`` refuses root). That user
must be able to reach the data folder; when the checkout sits under a folder it cannot
enter (``/root``, a ``mktemp -d`` folder), the cluster lives in
``/var/lib/laguna/<checkout-hash>/`` and ``var/pg`` is a symlink to it.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, StoreUnavailable, ToolMissing

ROLE = "laguna"
DATABASE = "laguna"
RELOCATED_ROOT = Path("/var/lib/laguna")


def find_pg_bin(explicit: Path | None = None) -> Path:
    """The newest installed PostgreSQL server programs that have PostGIS beside them."""
    if explicit is not None:
        if not (explicit / "initdb").exists():
            raise ConfigError(f"LAGUNA_PG_BIN={explicit} holds no initdb program.")
        return explicit
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
                        reverse=True)
    for initdb in candidates:
        version = initdb.parent.parent.name
        if Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
            return initdb.parent
    if candidates:
        version = candidates[0].parent.parent.name
        raise ToolMissing(
            f"PostgreSQL {version} is installed without PostGIS: install postgresql-{version}-postgis-3."
        )
    raise ToolMissing("PostgreSQL is not installed: install postgresql-15 and postgresql-15-postgis-3 "
                      "(make demo does it), or set LAGUNA_DATABASE_URL.")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _reachable_by(path: Path, uid: int) -> bool:
    """Whether user ``uid`` may traverse every folder above ``path``."""
    for parent in [*reversed(path.parents)]:
        st = parent.stat()
        if st.st_uid == uid:
            mode_bit = stat.S_IXUSR
        else:
            mode_bit = stat.S_IXOTH
        if not st.st_mode & mode_bit:
            return False
    return True


@dataclass
class Cluster:
    """The embedded cluster of one checkout; ``root`` is ``var/pg``."""

    root: Path
    port_setting: int | None = None
    os_user: str = "postgres"
    pg_bin_setting: Path | None = None

    # -- paths ------------------------------------------------------------------
    @property
    def base(self) -> Path:
        """The real folder of the cluster (``var/pg`` or its relocated target)."""
        return self.root.resolve() if self.root.is_symlink() else self.root

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "run"

    @property
    def log_file(self) -> Path:
        return self.base / "log" / "postgresql.log"

    @property
    def port_file(self) -> Path:
        return self.base / "port"

    @property
    def pg_bin(self) -> Path:
        return find_pg_bin(self.pg_bin_setting)

    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    @property
    def port(self) -> int | None:
        if self.port_setting:
            return self.port_setting
        if self.port_file.exists():
            return int(self.port_file.read_text().strip())
        return None

    def url(self, database: str = DATABASE) -> str:
        port = self.port
        if port is None:
            raise StoreUnavailable("The embedded store has not been created yet: run 'laguna db start'.")
        return f"postgresql://{ROLE}@127.0.0.1:{port}/{database}"

    # -- running as an unprivileged user ----------------------------------------
    def _as_root(self) -> bool:
        return os.geteuid() == 0

    def _run(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        """Run a PostgreSQL program, as ``os_user`` when we are root."""
        if self._as_root():
            pw = self._pw()
            kw.update(user=pw.pw_uid, group=pw.pw_gid, extra_groups=[],
                      env={"PATH": "/usr/bin:/bin", "HOME": str(self.base), "LC_ALL": "C.UTF-8"})
        kw.setdefault("cwd", str(self.base))
        return subprocess.run(args, capture_output=True, text=True, check=False, **kw)

    def _pw(self) -> pwd.struct_passwd:
        try:
            return pwd.getpwnam(self.os_user)
        except KeyError:
            raise ConfigError(
                f"Running as root, the embedded store needs the unprivileged OS user "
                f"'{self.os_user}' (set LAGUNA_PG_OS_USER, or install postgresql which creates 'postgres')."
            ) from None

    def _prepare_folder(self) -> None:
        """Create var/pg (relocated if the server's user could not reach it)."""
        if self.root.exists() or self.root.is_symlink():
            return
        self.root.parent.mkdir(parents=True, exist_ok=True)
        if self._as_root() and not _reachable_by(self.root.parent.resolve(), self._pw().pw_uid):
            digest = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:12]
            target = RELOCATED_ROOT / digest
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            os.chmod(RELOCATED_ROOT, 0o755)
            self.root.symlink_to(target, target_is_directory=True)
        else:
            self.root.mkdir()

    def _chown(self, *paths: Path) -> None:
        if not self._as_root():
            return
        pw = self._pw()
        for path in paths:
            os.chown(path, pw.pw_uid, pw.pw_gid)

    # -- lifecycle ----------------------------------------------------------------
    def init(self) -> None:
        """Create the cluster (initdb) and choose its port."""
        self._prepare_folder()
        for folder in (self.base, self.socket_dir, self.log_file.parent):
            folder.mkdir(parents=True, exist_ok=True)
        self._chown(self.base, self.socket_dir, self.log_file.parent)
        result = self._run([str(self.pg_bin / "initdb"), "-D", str(self.data_dir),
                            "--locale=C.UTF-8", "-E", "UTF8", "-A", "trust", "-U", ROLE])
        if result.returncode != 0:
            raise StoreUnavailable(f"initdb failed for {self.data_dir}: {_last_line(result)}.")
        self.port_file.write_text(f"{self.port_setting or free_port()}\n")

    def running(self) -> bool:
        if not self.initialised():
            return False
        return self._run([str(self.pg_bin / "pg_ctl"), "status", "-D", str(self.data_dir)]).returncode == 0

    def start(self) -> list[str]:
        """Start the server (creating it first if needed); returns what it did, for the user."""
        done: list[str] = []
        if not self.initialised():
            self.init()
            done.append(f"created the embedded PostgreSQL cluster in {self.root}")
        if self.running():
            return done
        port = self.port
        if not port_is_free(port):
            if self.port_setting:
                raise StoreUnavailable(f"Port {port} (LAGUNA_PG_PORT) is taken by another program.")
            port = free_port()
            self.port_file.write_text(f"{port}\n")
            done.append(f"port {port} chosen because the previous one was taken")
        # A Unix socket path must fit in 107 bytes; TCP on 127.0.0.1 is what we use anyway.
        sockets = str(self.socket_dir) if len(str(self.socket_dir)) < 90 else ""
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k '{sockets}'"
        result = self._run([str(self.pg_bin / "pg_ctl"), "start", "-w", "-t", "60",
                            "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options])
        if result.returncode != 0:
            raise StoreUnavailable(
                f"The embedded PostgreSQL server did not start; see {self.log_file}: {_last_log_line(self.log_file)}."
            )
        done.append(f"started PostgreSQL on 127.0.0.1:{port}")
        if self._ensure_database():
            done.append(f"created database '{DATABASE}'")
        return done

    def _ensure_database(self) -> bool:
        import psycopg

        deadline = time.monotonic() + 10
        while True:
            try:
                with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=5) as conn:
                    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                          (DATABASE,)).fetchone()
                    if not exists:
                        conn.execute(f'CREATE DATABASE "{DATABASE}"')
                    return not exists
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> bool:
        """Stop the server; False when it was not running."""
        if not self.running():
            return False
        result = self._run([str(self.pg_bin / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)])
        if result.returncode != 0:
            raise StoreUnavailable(f"pg_ctl could not stop the server: {_last_line(result)}.")
        return True

    def destroy(self) -> None:
        """Stop the server and delete the cluster and all its data."""
        self.stop()
        if self.root.is_symlink():
            target = self.root.resolve()
            self.root.unlink()
            shutil.rmtree(target, ignore_errors=True)
        elif self.root.exists():
            shutil.rmtree(self.root)


def _last_line(result: subprocess.CompletedProcess) -> str:
    lines = (result.stderr or result.stdout or "").strip().splitlines()
    return lines[-1].rstrip(".") if lines else f"exit code {result.returncode}"


def _last_log_line(path: Path) -> str:
    try:
        lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "no log written"
    return lines[-1].rstrip(".") if lines else "the log is empty"
