"""Private PostgreSQL clusters for the operations tests (issue 17): a primary that allows replication, a streaming
replica made from it with pg_basebackup, and a PgBouncer in transaction mode in front of it. Each lives in a temporary
directory on free local ports and is stopped at the end; the machine's shared cluster is never touched."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL's server binaries are missing (Debian: postgresql)")
    return versions[-1].parent


def scratch_directory(prefix: str) -> Path:
    """A temporary directory for throwaway clusters: in memory (/dev/shm) when it has room, where writing and then
    removing their thousands of files takes a fraction of the time it takes on disk (a minute, on a busy machine);
    otherwise the system's temporary directory."""
    shm = Path("/dev/shm")
    in_memory = shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 4 << 30
    directory = Path(tempfile.mkdtemp(prefix=prefix, dir=shm if in_memory else None))
    os.chmod(directory, 0o755)
    return directory


def free_port(preferred: int | None = None) -> int:
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


def _as_postgres(command: list[str]) -> list[str]:
    """initdb, postgres and pgbouncer refuse to run as root: run them as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _chown(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


class Cluster:
    def __init__(self, directory: Path, port: int):
        self.directory, self.port = directory, port

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def ctl(self, *args: str) -> None:
        subprocess.run(_as_postgres([str(pg_bin() / "pg_ctl"), "-D", str(self.directory), "-w", "-t", "60",
                                     "-l", str(self.directory / "server.log"), *args]),
                       check=True, capture_output=True)

    def start(self) -> "Cluster":
        self.ctl("start")
        _wait_for(self.port)
        return self

    def stop(self) -> None:
        """Stops at once, without a shutdown checkpoint: nothing in these clusters is kept (to PostgreSQL, and to a
        replica's primary, it is a crash, from which a restarted server recovers)."""
        if (self.directory / "postmaster.pid").exists():
            self.ctl("stop", "-m", "immediate")

    def sql(self, statement: str, database: str = "postgres") -> str:
        result = subprocess.run([str(pg_bin() / "psql"), self.url(database), "-XtAqc", statement],
                                check=True, capture_output=True, text=True)
        return result.stdout.strip()


def primary(root: Path) -> Cluster:
    """A new cluster that a replica can stream from (fsync off: a test's data need not survive a power cut)."""
    root.mkdir(parents=True, exist_ok=True)
    _chown(root)
    directory = root / "primary"
    subprocess.run(_as_postgres([str(pg_bin() / "initdb"), "-D", str(directory), "-U", "postgres", "--auth=trust",
                                 "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    port = free_port()
    with open(directory / "postgresql.conf", "a") as conf:
        conf.write(f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{directory}'\n"
                   "wal_level = replica\nmax_wal_senders = 4\nfsync = off\nfull_page_writes = off\n"
                   "synchronous_commit = off\nmax_connections = 100\n")
    with open(directory / "pg_hba.conf", "a") as hba:
        hba.write("\nhost replication postgres 127.0.0.1/32 trust\n")
    return Cluster(directory, port).start()


def replica(source: Cluster, root: Path) -> Cluster:
    """A hot standby streaming from `source`, made with pg_basebackup (5433 when that port is free)."""
    directory = root / "replica"
    subprocess.run(_as_postgres([str(pg_bin() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(source.port),
                                 "-U", "postgres", "-D", str(directory), "-R", "-X", "stream", "-c", "fast"]),
                   check=True, capture_output=True)
    port = free_port(5433)
    with open(directory / "postgresql.conf", "a") as conf:
        conf.write(f"\nport = {port}\nunix_socket_directories = '{directory}'\nhot_standby = on\n")
    return Cluster(directory, port).start()


class PgBouncer:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process, self.port = process, port

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def pgbouncer(target: Cluster, root: Path) -> PgBouncer:
    """Debian's pgbouncer in transaction mode in front of `target`, for every database on it."""
    executable = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(executable).exists():
        raise RuntimeError("pgbouncer is missing (Debian: pgbouncer; make system-packages installs it)")
    directory = root / "pgbouncer"
    directory.mkdir(exist_ok=True)
    _chown(directory)
    port = free_port()
    (directory / "users.txt").write_text('"postgres" ""\n')
    (directory / "pgbouncer.ini").write_text(
        f"[databases]\n* = host=127.0.0.1 port={target.port}\n\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {directory / 'users.txt'}\npool_mode = transaction\n"
        "max_client_conn = 200\ndefault_pool_size = 10\nignore_startup_parameters = extra_float_digits,options\n"
        "server_reset_query =\nlogfile =\nadmin_users = postgres\n")
    for name in ("users.txt", "pgbouncer.ini"):
        _chown(directory / name)
    process = subprocess.Popen(_as_postgres([executable, str(directory / "pgbouncer.ini")]),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(port)
    return PgBouncer(process, port)
