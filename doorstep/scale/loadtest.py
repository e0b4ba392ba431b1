"""HTTP load: gunicorn serving Doorstep on 127.0.0.1 against the same database, and wrk against it (issue 9).

Traffic goes to the loopback address only, for a bounded time. gunicorn runs in production mode (DEBUG off),
with persistent database connections, as README "Running in production" describes; each wrk request carries
the session cookie of an involved professional (one of several sessions, so concurrent requests do not all
renew the same session row).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.test import Client

LUA = """
local requests = {}
local i = 0
init = function(args)
  for _, cookie in ipairs({%(cookies)s}) do
    table.insert(requests, wrk.format("GET", "%(path)s", {["Cookie"] = cookie, ["Accept"] = "%(accept)s"}))
  end
end
request = function()
  i = i %% #requests + 1
  return requests[i]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "duration_us": %%d, "bytes": %%d, "errors_connect": %%d, ' ..
    '"errors_read": %%d, "errors_write": %%d, "errors_status": %%d, "errors_timeout": %%d, "p50_ms": %%.2f, ' ..
    '"p95_ms": %%.2f, "p99_ms": %%.2f, "max_ms": %%.2f}\\n', summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def sessions_for(professional, n: int) -> list[str]:
    cookies = []
    for _ in range(n):
        client = Client()
        client.force_login(professional)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


class Gunicorn:
    def __init__(self, *, port: int, workers: int):
        self.port = port
        self.workers = workers
        self.process = None

    def __enter__(self):
        with socket.socket() as probe:  # measure our own server, never one already on the port
            # A server listening there still refuses the bind; connections of an earlier run waiting to close do not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", self.port))
            except OSError:
                raise RuntimeError(f"Port {self.port} is in use: choose another with --port") from None
        env = {  # the environment handed on to the server, with the measured configuration
            "DB_CONN_MAX_AGE": "60",
            **os.environ,
            "DOORSTEP_ENV": "production",
            "DOORSTEP_DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,  # the sessions made here must be valid there
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DOORSTEP_TWO_STEP_ROLES": "",
            # wrk's requests all carry one professional's sessions: the per-user API throttle (300 a minute) would
            # refuse with 429 what is, in real life, many people's traffic. The throttle is not what is measured.
            "API_THROTTLE_USER": "1000000/minute",
        }
        self.log = tempfile.TemporaryFile()
        # Production serves the static files it has collected: pages (not only the API) need them to render.
        subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "collectstatic", "--noinput", "-v0"],
                       env=env, check=True, stdout=self.log, stderr=subprocess.STDOUT)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--chdir", str(settings.BASE_DIR)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_until_answering()
        except BaseException:
            self.__exit__(None, None, None)  # never leave a server behind
            raise
        return self

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped: " + self.output())
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answers (401 without a session)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer within 60 s: " + self.output())

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        return False


def accept(api: bool) -> str:
    return "application/json" if api else "text/html"


def check(url: str, cookie: str, *, api: bool = True) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept": accept(api)})
    with urllib.request.urlopen(request, timeout=30) as response:
        kind = "json" if api else "html"
        if response.status != 200 or kind not in response.headers.get("Content-Type", ""):
            raise RuntimeError(f"{url} answered {response.status} {response.headers.get('Content-Type')}")
        body = response.read()
        if api:
            json.loads(body)


def wrk(url: str, path: str, cookies: list[str], *, seconds: int, threads: int, connections: int,
        api: bool = True) -> dict:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (make bench installs it: apt-get install wrk)")
    lua = LUA % {"cookies": ", ".join(json.dumps(c) for c in cookies), "path": path, "accept": accept(api)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
        script = f.name
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, url],
            capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    finally:
        os.unlink(script)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    errors = sum(v for k, v in result.items() if k.startswith("errors_"))
    result.update(errors=errors, requests_per_second=round(result["requests"] / (result["duration_us"] / 1e6), 1))
    return result


def run_load(targets, subject, *, port: int, seconds: int, workers: int, connections: int, threads: int = 2,
             say=lambda m: None) -> list[dict]:
    from doorstep.agencies.models import Professional

    professional = Professional.objects.get(pk=subject.professional_id)
    cookies = sessions_for(professional, connections * 2)
    results = []
    with Gunicorn(port=port, workers=workers):
        for target in targets:
            path = target.path(subject)
            url = f"http://127.0.0.1:{port}{path}"
            check(url, cookies[0], api=target.api)
            say(f"  {target.name}: wrk {seconds} s, {connections} connections")
            load_before = os.getloadavg()[0]
            result = wrk(url, path, cookies, seconds=seconds, threads=threads, connections=connections,
                         api=target.api)
            results.append({"name": target.name, "path": path, "workers": workers, "connections": connections,
                            "seconds": seconds, "target_rps": target.target_rps,
                            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)], **result})
            results[-1]["met"] = (None if target.target_rps is None else
                                  result["requests_per_second"] >= target.target_rps and not result["errors"])
    return results
