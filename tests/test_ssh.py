"""The SSH deployment, end to end: a real OpenSSH server on a loopback port with
the shipped snippet, set up by the shipped ``deploy/setup.sh``.

A partner logs in with a key and gets the app; forwarding (-L, -R), the agent
(-A), a shell (``ssh host /bin/sh``) and sftp are all refused; killing or
freezing the client leaves what was typed saved and no process of theirs behind.

Needs root (it adds a user and two groups, removed afterwards) and sshd
(``.ci/run`` installs openssh-server). Skipped without them, except under CI.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pexpect
import pytest
from terminal import ROOT, drain, kill_quietly, plain, wait_for_text

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
KEEPALIVE = 1  # seconds: the test's ClientAliveInterval (the shipped one is 15)


def _missing() -> str | None:
    if os.getuid() != 0:
        return "needs root to add a user and run sshd"
    if not os.path.exists(SSHD) or not shutil.which("ssh"):
        return "needs openssh-server and openssh-client"
    return None


if (why := _missing()) and os.environ.get("CI"):
    pytest.fail(f"the SSH test must run in CI: {why}", pytrace=False)
pytestmark = pytest.mark.skipif(why is not None, reason=why or "")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*command, env=None, check=True, timeout=600, **kwargs):
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False, **kwargs)
    if check and done.returncode != 0:
        raise AssertionError(f"{command} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def _processes_of(uid: int) -> list[tuple[int, str]]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        found.append((int(entry), cmdline.strip()))
    return found


def _none_left(uid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _processes_of(uid):
            return True
        time.sleep(0.1)
    return False


def _wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"sshd never listened on {port}")


@pytest.fixture(scope="module")
def server():
    tag = secrets.token_hex(3)
    base = Path(tempfile.mkdtemp(prefix="jagtui-ssh-", dir="/tmp"))
    os.chmod(base, 0o755)
    ns = SimpleNamespace(base=base, user=f"jt{tag}", app_group=f"jagtui-t{tag}",
                         data_group=f"jagtuid-t{tag}", port=_free_port(), sshd=None)
    ns.env = {**os.environ, "JAGTUI_PREFIX": str(base / "opt"), "JAGTUI_ETC": str(base / "etc"),
              "JAGTUI_DATA": str(base / "data"), "JAGTUI_BIN": str(base / "bin"),
              "JAGTUI_SSHD_DIR": str(base / "sshd_config.d"),
              "JAGTUI_SSHD_CONFIG": str(base / "sshd_config"),
              "JAGTUI_SSHD_PIDFILE": str(base / "sshd.pid"), "JAGTUI_GROUP": ns.app_group,
              "JAGTUI_DATA_GROUP": ns.data_group, "JAGTUI_PYTHON": "/usr/bin/python3",
              "JAGTUI_SOURCE": str(ROOT)}
    ns.setup = [str(ROOT / "deploy" / "setup.sh")]
    try:
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(base / "host_key"))
        (base / "client").mkdir(mode=0o700)
        ns.key = base / "client" / "id_ed25519"
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ns.key))
        # Shaped like Debian's: the snippets are included first, global settings follow.
        (base / "sshd_config").write_text(f"""\
Include {base}/sshd_config.d/*.conf
Port {ns.port}
ListenAddress 127.0.0.1
HostKey {base}/host_key
PidFile {base}/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
X11Forwarding yes
AllowTcpForwarding yes
Subsystem sftp internal-sftp
""")
        ns.first_install = _run("sh", *ns.setup, "install", env=ns.env)
        assert Path("/run/sshd").is_dir()  # made by setup.sh: sshd needs it
        ns.second_install = _run("sh", *ns.setup, "install", env=ns.env)
        ns.add_user = _run("sh", *ns.setup, "add-user", ns.user, "--key", f"{ns.key}.pub",
                           "--name", "Test Partner", "--role", "member", env=ns.env)
        ns.uid = int(_run("id", "-u", ns.user).stdout)
        snippet = base / "sshd_config.d" / "jagtui.conf"
        snippet.write_text(snippet.read_text().replace(
            "ClientAliveInterval 15", f"ClientAliveInterval {KEEPALIVE}"))
        ns.log = open(base / "sshd.log", "w")
        ns.sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(base / "sshd_config")],
                                   stdout=ns.log, stderr=subprocess.STDOUT)
        _wait_for_port(ns.port)
        yield ns
    finally:
        if ns.sshd is not None:
            ns.sshd.terminate()
            ns.sshd.wait(timeout=10)
            ns.log.close()
        if hasattr(ns, "uid"):
            for pid, _ in _processes_of(ns.uid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        subprocess.run(["userdel", "-r", ns.user], check=False, capture_output=True)
        for group in (ns.app_group, ns.data_group):
            subprocess.run(["groupdel", group], check=False, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _ssh(server, *options: str, command: str | None = None) -> list[str]:
    argv = ["ssh", "-F", "/dev/null", "-i", str(server.key), "-p", str(server.port),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
            *options, f"{server.user}@127.0.0.1"]
    return argv + ([command] if command else [])


def _session(server, *options: str) -> pexpect.spawn:
    argv = _ssh(server, "-tt", *options)
    env = {**os.environ, "TERM": "xterm-256color"}
    return pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(40, 120), encoding="utf-8",
                         codec_errors="replace", timeout=60)


def _draft(server, key="case:new"):
    with sqlite3.connect(server.base / "data" / "jagtui.db") as db:
        row = db.execute("SELECT fields FROM drafts WHERE login = ? AND key = ?",
                         (server.user, key)).fetchone()
    return row[0] if row else None


def _effective(server, user: str) -> dict[str, str]:
    out = _run(SSHD, "-T", "-f", str(server.base / "sshd_config"),
               "-C", f"user={user},host=localhost,addr=127.0.0.1").stdout
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def test_setup_is_idempotent_and_makes_a_shared_group_layout(server):
    assert "installed jagtui" in server.first_install.stdout
    assert "created" not in server.second_install.stdout
    data = server.base / "data"
    assert oct(data.stat().st_mode & 0o7777) == "0o2770"
    assert oct((data / "jagtui.db").stat().st_mode & 0o777) == "0o660"
    assert (data / "jagtui.db").stat().st_gid == int(_run("getent", "group", server.data_group)
                                                     .stdout.split(":")[2])
    assert oct((server.base / "etc" / "config.toml").stat().st_mode & 0o777) == "0o640"
    assert "can connect with: ssh -t" in server.add_user.stdout
    again = _run("sh", *server.setup, "add-user", server.user, "--key", f"{server.key}.pub",
                 env=server.env)
    assert "already a jagtui user" in again.stdout
    keys = (Path(f"/home/{server.user}") / ".ssh" / "authorized_keys").read_text()
    assert keys.count("ssh-ed25519") == 1


def test_sshd_applies_the_snippet_to_members_only(server):
    member = _effective(server, server.user)
    assert member["forcecommand"] == f"{server.base}/bin/jagtui-session"
    for key, value in {"disableforwarding": "yes", "allowtcpforwarding": "no",
                       "allowagentforwarding": "no", "allowstreamlocalforwarding": "no",
                       "x11forwarding": "no", "permittunnel": "no", "permittty": "yes",
                       "permituserrc": "no", "clientalivecountmax": "2",
                       "clientaliveinterval": str(KEEPALIVE)}.items():
        assert member[key] == value, key
    # Someone outside the group is untouched, and the global lines after the
    # Include still apply (the Match block does not swallow them).
    other = _effective(server, "root")
    assert other["forcecommand"] == "none" and other["x11forwarding"] == "yes"


def test_a_key_login_gets_the_app(server):
    child = _session(server)
    try:
        seen = wait_for_text(child, "open cases")
        seen += drain(child, 1.0)
        assert "warning" not in plain(seen)  # the shared folder's group modes are the rule
        child.send("\x11")  # ctrl+q
        child.expect(pexpect.EOF, timeout=20)
    finally:
        kill_quietly(child.pid)
    assert _none_left(server.uid, 10)
    with sqlite3.connect(server.base / "data" / "jagtui.db") as db:
        row = db.execute("SELECT detail FROM audit_log WHERE login = ? AND operation = 'login' "
                         "ORDER BY id DESC", (server.user,)).fetchone()
    assert row and "ssh 127.0.0.1" in row[0]


def test_asking_for_a_shell_or_sftp_gets_no_shell(server):
    asked = _run(*_ssh(server, command="/bin/sh"), input="echo pwned-$((6*7))\n", check=False,
                 timeout=60)
    assert asked.returncode == 1
    assert "pwned-42" not in asked.stdout + asked.stderr
    assert "jagtui needs an interactive terminal" in asked.stderr
    sftp = _run("sftp", "-F", "/dev/null", "-i", str(server.key), "-P", str(server.port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-b", "-", f"{server.user}@127.0.0.1",
                input="ls /\n", check=False, timeout=60)
    assert sftp.returncode != 0 and "bin" not in sftp.stdout
    # With a terminal, the command asked for is ignored and the app runs instead.
    argv = _ssh(server, "-tt", command="/bin/sh")
    child = pexpect.spawn(argv[0], argv[1:], env={**os.environ, "TERM": "xterm-256color"},
                          dimensions=(40, 120), encoding="utf-8", timeout=60)
    try:
        wait_for_text(child, "open cases")
        child.send("\x1becho pwned-$((6*7))\r")
        assert "pwned-42" not in plain(drain(child, 2.0))
    finally:
        kill_quietly(child.pid)
    assert _none_left(server.uid, 10)


def _echo_server() -> tuple[socket.socket, int]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(15)

    def serve():
        try:
            while True:
                conn, _ = listener.accept()
                with conn:
                    conn.sendall(conn.recv(1024))
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    return listener, listener.getsockname()[1]


def test_port_forwarding_is_refused(server):
    listener, echo_port = _echo_server()
    local = _free_port()
    forward = subprocess.Popen(_ssh(server, "-N", "-L", f"127.0.0.1:{local}:127.0.0.1:{echo_port}"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_port(local)
        with socket.create_connection(("127.0.0.1", local), timeout=10) as conn:
            conn.settimeout(10)
            try:
                conn.sendall(b"ping")
                answer = conn.recv(1024)
            except OSError:
                answer = b""
        assert answer == b""  # the tunnel was refused: the echo never came back
    finally:
        forward.terminate()
        _, err = forward.communicate(timeout=10)
        listener.close()
    assert "prohibited" in err or "open failed" in err
    remote = _run(*_ssh(server, "-N", "-o", "ExitOnForwardFailure=yes",
                        "-R", f"127.0.0.1:{_free_port()}:127.0.0.1:{echo_port}"),
                  check=False, timeout=60)
    assert remote.returncode != 0 and "forwarding failed" in remote.stderr


def test_the_agent_is_not_forwarded(server):
    agent_sock = server.base / "client" / "agent.sock"
    started = _run("ssh-agent", "-a", str(agent_sock))
    agent_pid = int(re.search(r"SSH_AGENT_PID=(\d+)", started.stdout).group(1))
    try:
        env = {**os.environ, "SSH_AUTH_SOCK": str(agent_sock)}
        _run("ssh-add", "-q", str(server.key), env=env)
        argv = _ssh(server, "-tt", "-A")
        child = pexpect.spawn(argv[0], argv[1:], env={**env, "TERM": "xterm-256color"},
                              dimensions=(40, 120), encoding="utf-8", timeout=60)
        try:
            wait_for_text(child, "open cases")
            apps = [pid for pid, cmd in _processes_of(server.uid) if "jagtui" in cmd]
            assert apps
            for pid in apps:
                environ = Path(f"/proc/{pid}/environ").read_bytes()
                assert b"SSH_AUTH_SOCK" not in environ
            assert not [p for p in Path("/tmp").glob("ssh-*") if p.stat().st_uid == server.uid]
        finally:
            kill_quietly(child.pid)
    finally:
        os.kill(agent_pid, signal.SIGTERM)
    assert _none_left(server.uid, 10)


def _type_into_new_case(child, text: str) -> None:
    wait_for_text(child, "open cases")
    child.send("n")
    wait_for_text(child, "Esc Cancel")
    child.send("\t\t")
    time.sleep(0.5)
    child.send(text)
    wait_for_text(child, text, timeout=30)


@pytest.mark.parametrize("how", ["killed", "frozen"])
def test_losing_the_client_keeps_the_typing_and_leaves_nothing_running(server, how):
    typed = f"Typed before the client was {how}"
    with sqlite3.connect(server.base / "data" / "jagtui.db") as db:  # start from an empty form
        db.execute("DELETE FROM drafts WHERE login = ?", (server.user,))
    child = _session(server)
    try:
        _type_into_new_case(child, typed)
        if how == "killed":
            os.kill(child.pid, signal.SIGKILL)
            limit = 10
        else:
            # A frozen laptop or a dead network: only the keepalive can tell.
            os.kill(child.pid, signal.SIGSTOP)
            limit = KEEPALIVE * 2 + 10
        started = time.monotonic()
        assert _none_left(server.uid, limit), _processes_of(server.uid)
        took = time.monotonic() - started
    finally:
        kill_quietly(child.pid)
    if how == "frozen":
        assert took >= KEEPALIVE  # it was the keepalive that ended it, not the kill
    assert _draft(server) is not None and typed in _draft(server)
