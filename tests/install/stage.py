"""What the install tests share: installing the build into a staging
directory with `meson install --destdir`, the clean environment programs run
in, and a checker that reports each expectation and fails at the end.

The build's own prefix (default /usr/local) is kept: the staged tree is
laid out as a real installation would be, one directory down.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'interop'))
import peers  # noqa: E402,F401  (SIGTERM ends a test through its with-blocks)

# "No environment variables": no LD_PRELOAD, no LD_LIBRARY_PATH, no
# SSL_CERT_FILE, nothing meson sets for tests; only what any shell has.
# (Nor PYTHONDONTWRITEBYTECODE: Python writes __pycache__ as on a user's
# machine, so the tests see it if the installed command lets it.)
CLEAN_ENV = {'PATH': '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
             'HOME': tempfile.gettempdir(), 'LC_ALL': 'C'}


def run(argv, env=None, **kw):
    """Runs argv in the clean environment; returns the CompletedProcess."""
    return subprocess.run(argv, env=CLEAN_ENV if env is None else env, capture_output=True,
                          text=True, **kw)


class Checker:
    """Each expectation is printed with its outcome; the test fails at the
    end when any did not hold."""

    def __init__(self):
        self.failed = 0

    def expect(self, ok, what, detail=''):
        print('%s: %s' % ('ok' if ok else 'FAIL', what))
        if not ok:
            self.failed += 1
            if detail:
                print('    ' + str(detail).strip().replace('\n', '\n    '))
        return ok

    def done(self):
        print('%d expectation(s) failed' % self.failed if self.failed else 'all expectations held')
        return 1 if self.failed else 0


class Staged:
    """The build installed under a fresh DESTDIR (removed by close())."""

    def __init__(self, build):
        meson = shutil.which('meson') or sys.exit('meson is not on PATH')
        opts = json.loads(subprocess.run([meson, 'introspect', build, '--buildoptions'],
                                         capture_output=True, text=True, check=True).stdout)
        opt = {o['name']: o['value'] for o in opts}
        self.prefix = opt['prefix']

        def under_prefix(name):
            return os.path.join(self.prefix, opt[name])

        self.libdir = under_prefix('libdir')
        self.includedir = under_prefix('includedir')
        self.bindir = under_prefix('bindir')
        self.datadir = under_prefix('datadir')
        self.shim_libdir = os.path.join(self.libdir, 'shimssl')
        self.dir = tempfile.mkdtemp(prefix='shimssl-stage-')
        r = subprocess.run([meson, 'install', '-C', build, '--no-rebuild', '--quiet',
                            '--destdir', self.dir], capture_output=True, text=True)
        if r.returncode != 0:
            self.close()
            sys.exit('meson install --destdir failed:\n' + r.stdout + r.stderr)
        print('installed into DESTDIR=%s (prefix %s)' % (self.dir, self.prefix))

    def path(self, installed_path):
        """Where an installed path is in the staging directory."""
        return self.dir + installed_path

    @property
    def command(self):
        return self.path(os.path.join(self.bindir, 'shimssl'))

    @property
    def lib(self):
        return self.path(os.path.join(self.shim_libdir, 'libssl.so.3'))

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
