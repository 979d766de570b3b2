"""The real-program matrix's runner: one scenario is a function that starts
the program under test (a server or a client from Debian's packages), talks
to it with stock peers, and returns the facts an observer sees (exit status,
bytes delivered, version, suite, ALPN, resumption, the alert or error of a
failure).  It runs twice: with stock libssl, then with ours preloaded.

A scenario passes when stock's facts are the ones the scenario states and
ours are the same facts; a run whose program was not really on the library
it was meant to use (checked with the dynamic linker's own record,
LD_DEBUG=libs: which libssl.so.3 it initialised), or that died by a signal,
proves nothing and fails.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'interop'))
import peers  # noqa: E402
import runs  # noqa: E402

SYSTEM_LIBSSL = re.compile(r'calling init: (\S*/libssl\.so\.3)$', re.M)


class Scenario:
    """name: unique in its group; fn(run) -> dict of facts; expect: the facts
    stock must give (a subset of what fn returns; ours must give all of fn's
    facts equal to stock's); quick: part of the CI subset; needs: programs
    that must be installed (else the scenario is skipped with that reason)."""

    def __init__(self, name, fn, expect, quick=False, needs=()):
        self.name, self.fn, self.expect, self.quick, self.needs = name, fn, expect, quick, needs


class Group:
    """The scenarios of one program in one role (a row of the matrix)."""

    def __init__(self, program, role, make, needs=(), why_not=None, short=None):
        # make(pki) -> [Scenario]; why_not() -> a reason the program cannot
        # run here (checked before any scenario), or None.
        self.program, self.role, self.make, self.needs, self.why_not = (
            program, role, make, needs, why_not)
        # the test's name: short (or the program's name) and the role
        self.key = '%s-%s' % (short or re.sub(r'[^a-z0-9]+', '-', program.lower()).strip('-'), role)


class Run:
    """One run of a scenario: label 'stock' or 'ours'.  Processes started
    through it are stopped by close(), whatever happened."""

    def __init__(self, label, lib, pki):
        self.label, self.lib, self.pki = label, os.path.abspath(lib), pki
        self.tmp = tempfile.mkdtemp(prefix='shimssl-prog-%s-' % label)
        self.procs = []       # (name, Popen, under_test, log path)
        self.problems = []    # why the run proves nothing
        self.transcript = []  # what happened, printed when the scenario fails
        self._n = 0

    # -- files and ports ---------------------------------------------------
    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, text, mode=0o644):
        p = self.path(name)
        with open(p, 'w') as fh:
            fh.write(text)
        os.chmod(p, mode)
        return p

    def pem(self, name):
        return os.path.join(self.pki, name)

    def combined(self, cert):
        """cert.pem followed by its key in one file (haproxy, stunnel)."""
        out = self.path(cert + '-full.pem')
        if not os.path.exists(out):
            with open(out, 'w') as fh:
                for ext in ('.pem', '.key'):
                    with open(self.pem(cert + ext)) as src:
                        fh.write(src.read())
        return out

    @staticmethod
    def port():
        return peers.free_port()

    # -- environments ------------------------------------------------------
    def env(self, under_test):
        """The program under test gets this run's libssl, recorded by the
        dynamic linker; peers always get stock."""
        if not under_test:
            return runs.stock_env()
        self._n += 1
        env = runs.stock_env() if self.label == 'stock' else runs.ours_env(self.lib, leak_check=False)
        env['LD_DEBUG'] = 'libs'
        env['LD_DEBUG_OUTPUT'] = self.path('ld-%d' % self._n)
        return env

    # -- processes -----------------------------------------------------------
    def start(self, name, cmd, port=None, under_test=True, cwd=None, env_extra=None,
              ready=None, stdin=None):
        """Starts a long-running program in its own process group; waits for
        port (or ready(log text) to be true)."""
        env = self.env(under_test)
        env.update(env_extra or {})
        log = self.path('%s-%d.log' % (name, len(self.procs)))
        fh = open(log, 'w')
        proc = subprocess.Popen(cmd, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=cwd or self.tmp,
                                start_new_session=True)
        fh.close()
        self.procs.append((name, proc, under_test, log))
        self.transcript.append('started %s%s: %s' % (name, ' (under test)' if under_test else '',
                                                    ' '.join(cmd)))
        try:
            if port is not None:
                peers.wait_listening(port, proc, timeout=15)
            if ready is not None:
                deadline = time.time() + 15
                while not ready(self.read(log)):
                    if proc.poll() is not None or time.time() > deadline:
                        raise RuntimeError('not ready')
                    time.sleep(0.05)
        except RuntimeError as e:
            raise RuntimeError('%s did not start (%s): %s' % (name, e, self.read(log)[-2000:]))
        return proc

    def stop(self, proc):
        """Stops one process (and its group) now."""
        for entry in self.procs:
            if entry[1] is proc:
                self._kill(entry)

    def _kill(self, entry):
        name, proc, under_test, log = entry
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, 15)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
            return
        # It ended before we stopped it: by a signal is a crash.
        if proc.returncode < 0 and (name, proc.pid) not in getattr(self, '_reported', set()):
            self._reported = getattr(self, '_reported', set()) | {(name, proc.pid)}
            self.problems.append('%s died by signal %d' % (name, -proc.returncode))

    def client(self, cmd, stdin=None, under_test=False, timeout=30, env_extra=None, cwd=None):
        """Runs a command to its end: (exit status or 'timeout', output)."""
        env = self.env(under_test)
        env.update(env_extra or {})
        try:
            r = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=env, text=True, timeout=timeout, cwd=cwd or self.tmp,
                               errors='replace')
            status, out = r.returncode, r.stdout
        except subprocess.TimeoutExpired as e:
            out = e.stdout or ''
            status, out = 'timeout', out.decode(errors='replace') if isinstance(out, bytes) else out
        self.transcript.append('$ %s%s\n-> exit %s\n%s' % (' '.join(cmd)[:300], ' (under test)' if under_test
                                                            else '', status, out[-3000:]))
        self.problems += ['%s: %s' % (cmd[0], p) for p in runs.problems(status, out)]
        return status, out

    def log_of(self, proc):
        for _, p, _, log in self.procs:
            if p is proc:
                return self.read(log)
        return ''

    @staticmethod
    def read(path):
        try:
            with open(path, errors='replace') as fh:
                return fh.read()
        except OSError:
            return ''

    # -- the end -------------------------------------------------------------
    def close(self):
        for entry in reversed(self.procs):
            self._kill(entry)
        for name, proc, under_test, log in self.procs:
            text = self.read(log)
            self.problems += ['%s: %s' % (name, p) for p in runs.problems(0, text)]
        self.problems += self._loaded_problems()

    def _loaded_problems(self):
        """Every program under test initialised exactly the libssl of this
        run, and at least one initialised a libssl at all."""
        inits = []
        for f in glob.glob(self.path('ld-*')):
            inits += SYSTEM_LIBSSL.findall(self.read(f))
        if self._n == 0:
            return ['no program under test was started']
        system = {os.path.realpath(p) for p in glob.glob('/usr/lib/*/libssl.so.3') +
                  glob.glob('/lib/*/libssl.so.3')}
        if os.path.realpath(self.lib) in system:
            return ['the library given as ours is the system libssl']
        want = self.lib if self.label == 'ours' else None
        wrong = sorted({p for p in inits if (p == self.lib) != (want is not None)})
        if wrong:
            return ['the program under test loaded %s' % ', '.join(wrong)]
        if not inits:
            return ['the program under test never initialised a libssl.so.3']
        return []

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def run_scenario(sc, lib, pki):
    """Runs sc with stock then ours: (verdict, stock facts, our facts, detail)
    where verdict is 'pass', 'fail' or 'skip'."""
    missing = [p for p in sc.needs
               if not (os.path.exists(p) if p.startswith('/') else shutil.which(p))]
    if missing:
        return 'skip', None, None, 'not installed: ' + ', '.join(missing)
    facts, detail = {}, []
    for label in ('stock', 'ours'):
        r = Run(label, lib, pki)
        try:
            # (through JSON: the facts are compared as they are stored)
            facts[label] = json.loads(json.dumps(sc.fn(r)))
        except Exception as e:  # a scenario that cannot complete is a failure
            facts[label] = {'error': '%s: %s' % (type(e).__name__, e)}
        finally:
            r.close()
        if r.problems:
            detail.append('%s: %s' % (label, '; '.join(r.problems)))
        if r.problems or (label == 'stock' and not _meets(facts[label], sc.expect)) \
                or (label == 'ours' and facts['ours'] != facts['stock']):
            detail.append('%s transcript:\n  %s' % (label, '\n'.join(r.transcript)
                                                    .replace('\n', '\n  ')[-6000:]))
            for name, _, _, log in r.procs:
                detail.append('%s log (%s): %s' % (name, label, r.read(log)[-1500:]))
        r.cleanup()
    stock, ours = facts['stock'], facts['ours']
    if not _meets(stock, sc.expect):
        detail.insert(0, 'stock misses the expectation: want %r, got %r' % (sc.expect, stock))
    elif ours != stock:
        detail.insert(0, 'ours differs from stock: %s' % diff_facts(stock, ours))
    verdict = 'pass' if not detail else 'fail'
    return verdict, stock, ours, '\n'.join(detail)


def _meets(facts, expect):
    return all(facts.get(k) == v for k, v in expect.items())


def diff_facts(a, b):
    keys = sorted(set(a) | set(b))
    return ', '.join('%s: stock %r, ours %r' % (k, a.get(k), b.get(k))
                     for k in keys if a.get(k) != b.get(k))
