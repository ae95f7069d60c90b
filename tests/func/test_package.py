"""Installing supd: the Debian package built by dpkg-buildpackage from
debian/, unpacked into a temporary root and run from there, and `meson
install` with -Dsupervisor_names=true.

Both build the project from a copy of the tree in a temporary directory
(dpkg-buildpackage writes its .deb next to the tree it builds), so nothing
lands in the worktree. Each takes about a minute on a 2-core machine.
"""
import gzip
import os
import shutil
import subprocess
import textwrap

import pytest

from conftest import ROOT, Daemon, wait_until

pytestmark = [pytest.mark.supd_only, pytest.mark.slow]

BUILD_TOOLS = ["dpkg-dev", "debhelper", "fakeroot", "scdoc"]


def run(argv, cwd=None, env=None, timeout=600):
    full_env = dict(os.environ)
    full_env.pop("SUPERVISOR_ENABLED", None)
    if env:
        full_env.update(env)
    res = subprocess.run(argv, cwd=cwd, env=full_env, capture_output=True,
                         text=True, timeout=timeout)
    assert res.returncode == 0, "%s failed (%d):\n%s%s" % (
        " ".join(argv), res.returncode, res.stdout[-4000:], res.stderr[-4000:])
    return res


def copy_tree(dest):
    """The tree's files (committed or not, less what .gitignore says) into
    dest, as the package would see them in a fresh checkout."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True).stdout.split(b"\0")
    for name in files:
        if not name:
            continue
        src = os.path.join(ROOT.encode(), name)
        if not os.path.isfile(src):     # deleted but not yet committed
            continue
        dst = os.path.join(str(dest).encode(), name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


def have_build_tools():
    return shutil.which("dpkg-buildpackage") and shutil.which("dh") \
        and shutil.which("scdoc")


def install_build_tools():
    """Install what dpkg-buildpackage needs, as scripts/deps.sh test does;
    skip when that is not possible."""
    if have_build_tools():
        return
    if os.getuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "-qq",
                        "--no-install-recommends"] + BUILD_TOOLS,
                       env=env, capture_output=True, timeout=600)
    if not have_build_tools():
        pytest.skip("dpkg-buildpackage, debhelper or scdoc is missing and "
                    "cannot be installed (apt-get install %s)"
                    % " ".join(BUILD_TOOLS))


def build_deb(top):
    """Build the package in top; return (path of the .deb, unpacked root)."""
    install_build_tools()
    src = top / "supd"
    copy_tree(src)
    # nocheck: the unit tests run in ./test.sh already.
    run(["dpkg-checkbuilddeps", "-P", "nocheck"], cwd=src)
    run(["dpkg-buildpackage", "-us", "-uc", "-b", "-Pnocheck"], cwd=src,
        env={"DEB_BUILD_OPTIONS": "nocheck"})
    debs = [f for f in os.listdir(top)
            if f.startswith("supd_") and f.endswith(".deb")]
    assert len(debs) == 1, os.listdir(top)
    root = top / "root"
    run(["dpkg", "-x", str(top / debs[0]), str(root)])
    return str(top / debs[0]), str(root)


INSTALLED = [
    "usr/sbin/supd",
    "usr/bin/supctl",
    "usr/share/man/man8/supd.8.gz",
    "usr/share/man/man1/supctl.1.gz",
    "usr/share/man/man5/supd.conf.5.gz",
    "lib/systemd/system/supd.service",
    "etc/logrotate.d/supd",
    "usr/share/bash-completion/completions/supctl",
    "usr/share/supd/supervisord.conf",
    "usr/share/doc/supd/copyright",
]


def check_contents(path, root):
    for name in INSTALLED:
        assert os.path.isfile(os.path.join(root, name)), name
    for prog in ("usr/sbin/supd", "usr/bin/supctl"):
        assert os.access(os.path.join(root, prog), os.X_OK), prog
    # Supervisor's names are not taken: the package installs beside it.
    for name in ("usr/bin/supervisord", "usr/bin/supervisorctl"):
        assert not os.path.lexists(os.path.join(root, name)), name
    for page, title in (("man8/supd.8.gz", "supd"),
                        ("man1/supctl.1.gz", "supctl"),
                        ("man5/supd.conf.5.gz", "supd.conf")):
        with gzip.open(os.path.join(root, "usr/share/man", page), "rt") as f:
            assert '.TH "%s"' % title in f.read(), page
    info = run(["dpkg-deb", "-f", path, "Package", "Depends"]).stdout
    assert "Package: supd" in info
    assert "libevent" in info and "libc6" in info
    conffiles = run(["dpkg-deb", "-I", path, "conffiles"]).stdout
    assert conffiles.split() == ["/etc/logrotate.d/supd"]


def check_unit(root, tmp_path):
    with open(os.path.join(root, "lib/systemd/system/supd.service")) as f:
        unit = f.read()
    for line in ("Type=notify", "NotifyAccess=main", "KillMode=mixed",
                 "ExecStart=/usr/sbin/supd -n -c /etc/supervisor/supervisord.conf",
                 "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure"):
        assert line + "\n" in unit, line
    if shutil.which("systemd-analyze") is None:
        return      # verify only where systemd is installed
    # verify checks that ExecStart= exists: point it into the unpacked root.
    unit = unit.replace("/usr/sbin/supd", os.path.join(root, "usr/sbin/supd"))
    (tmp_path / "supd.service").write_text(unit)
    res = subprocess.run(["systemd-analyze", "verify", "--man=no",
                          str(tmp_path / "supd.service")],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stderr == "", res.stderr


class InstalledDaemon(Daemon):
    """A Daemon run from an unpacked root instead of the build directory."""

    def __init__(self, root, tmpdir):
        Daemon.__init__(self, "supd", tmpdir)
        self.root = root

    @property
    def daemon_argv(self):
        return [os.path.join(self.root, "usr/sbin/supd")]


def default_config_in(root, d):
    """The package's default config with /run, /var/log/supervisor and
    /etc/supervisor moved into the test dir; returns its path."""
    with open(os.path.join(root, "usr/share/supd/supervisord.conf")) as f:
        text = f.read()
    text = (text.replace("/run/", d.path("run") + "/")
            .replace("/var/log/supervisor", d.path("log"))
            .replace("/etc/supervisor", d.path("etc")))
    for system in ("=/run/", "unix:///run/", "=/var/", "= /etc/"):
        assert system not in text, system
    for sub in ("log", "etc/conf.d", "run"):
        os.makedirs(d.path(sub), exist_ok=True)
    with open(d.path("etc/conf.d/sleeper.conf"), "w") as f:
        f.write(textwrap.dedent("""\
            [program:sleeper]
            command=sleep 1000
            startsecs=0
            """))
    return d.write(text, base=False, name="etc/supervisord.conf")


def check_runs(root, tmp_path):
    """The unpacked supd runs the package's default config (moved into a
    temp dir) and the unpacked supctl reads its status."""
    supd = os.path.join(root, "usr/sbin/supd")
    supctl = os.path.join(root, "usr/bin/supctl")
    assert run([supd, "-v"]).stdout.strip()
    d = InstalledDaemon(root, tmp_path)
    conf = default_config_in(root, d)
    d.sock = d.path("run/supervisor.sock")
    d.logfile = d.path("log/supervisord.log")
    try:
        d.start(conf=conf)
        d.wait_state("sleeper", "RUNNING")
        res = subprocess.run([supctl, "-c", conf, "status"],
                             capture_output=True, text=True, timeout=30)
        assert res.returncode == 0, res.stdout + res.stderr
        assert res.stdout.split()[:2] == ["sleeper", "RUNNING"]
        assert os.path.exists(d.path("run/supervisord.pid"))
    finally:
        d.stop()


def test_deb(tmp_path):
    """One test, not several sharing a fixture: under pytest-xdist each
    worker would build the package again."""
    path, root = build_deb(tmp_path / "deb")
    check_contents(path, root)
    check_unit(root, tmp_path)
    check_runs(root, tmp_path / "daemon")


# Runs the maintainer scripts in a private mount namespace where /etc/
# supervisor, /var/lib, /var/log and /usr/share are empty tmpfs: the config
# is created only where none exists, and purge removes it only while it is
# unchanged.
MAINTAINER_SCRIPTS = r"""
set -e
mount --make-rprivate /
for d in /etc/supervisor /var/lib /var/log /usr/share; do
    mount -t tmpfs none $d
done
mkdir /usr/share/supd
cp deploy/supervisord.conf /usr/share/supd/supervisord.conf
conf=/etc/supervisor/supervisord.conf
sh debian/supd.postinst configure
cmp $conf deploy/supervisord.conf
test -d /etc/supervisor/conf.d && test -d /var/log/supervisor
sh debian/supd.postrm remove
test -f $conf
sh debian/supd.postrm purge
test ! -e $conf && test ! -e /var/lib/supd
sh debian/supd.postinst configure
echo '; changed' >>$conf
sh debian/supd.postrm purge
grep -q changed $conf
echo '; the admin s' >$conf
sh debian/supd.postinst configure
grep -q admin $conf && test ! -e /var/lib/supd
echo ok
"""


def test_maintainer_scripts():
    if os.getuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare(1) for a private mount namespace")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("unshare -m is not permitted here: %s" % probe.stderr)
    res = subprocess.run(["unshare", "-m", "sh", "-c", MAINTAINER_SCRIPTS],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stdout.strip() == "ok", \
        res.stdout + res.stderr


def test_meson_install_supervisor_names(tmp_path):
    """meson install puts supd in sbin and supctl in bin, and with
    -Dsupervisor_names=true adds supervisord and supervisorctl links
    where Debian's supervisor has its commands."""
    src = tmp_path / "src"
    copy_tree(src)
    build = tmp_path / "build"
    dest = tmp_path / "dest"
    run(["meson", "setup", str(build), str(src), "--prefix=/usr",
         "-Dsupervisor_names=true", "-Dtests=disabled", "-Doptimization=0"])
    run(["meson", "install", "-C", str(build), "--destdir", str(dest)])
    usr = dest / "usr"
    assert os.access(usr / "sbin/supd", os.X_OK)
    assert os.access(usr / "bin/supctl", os.X_OK)
    assert os.readlink(usr / "bin/supervisord") == "../sbin/supd"
    assert os.readlink(usr / "bin/supervisorctl") == "supctl"
    assert os.readlink(usr / "share/bash-completion/completions/supervisorctl") \
        == "supctl"
    assert (usr / "share/bash-completion/completions/supctl").is_file()
    assert (usr / "lib/systemd/system/supd.service").is_file() or \
        (dest / "lib/systemd/system/supd.service").is_file()
    assert (dest / "etc/logrotate.d/supd").is_file()

    # The links run the programs: supervisord starts a daemon that
    # supervisorctl talks to, and each names itself as it was called.
    d = Daemon("supd", tmp_path / "run")
    os.makedirs(d.dir, exist_ok=True)
    d.write("""
        [program:sleeper]
        command=sleep 1000
        startsecs=0
        """)
    ctl = str(usr / "bin/supervisorctl")
    res = subprocess.run([ctl, "-h"], capture_output=True, text=True)
    assert "Usage: %s [options]" % ctl in res.stdout
    res = subprocess.run([str(usr / "bin/supervisord"), "-v"],
                         capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.strip()

    class Linked(Daemon):
        daemon_argv = [str(usr / "bin/supervisord")]
    d.__class__ = Linked
    try:
        d.start()
        d.wait_state("sleeper", "RUNNING")
        res = subprocess.run([ctl, "-c", d.conf, "status", "sleeper"],
                             capture_output=True, text=True, timeout=30)
        assert res.returncode == 0, res.stdout + res.stderr
        assert res.stdout.split()[:2] == ["sleeper", "RUNNING"]
        wait_until(lambda: "supervisord started" in d.log(),
                   what="the daemon's start line")
    finally:
        d.stop()
