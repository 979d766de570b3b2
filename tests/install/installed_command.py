#!/usr/bin/env python3
"""install-command: the `shimssl` command run from where `meson install`
put it (a staging directory, DESTDIR), with no source tree to lean on: it
must find its library, tracer, helpers and status table relative to itself.

Checks `shimssl paths`, `run` (the library preloaded is the staged one),
`check BINARY`, `check --pid` on a process with and without our library,
`trace --with shimssl` and `diff --peer` against a stock s_server, `bench`
(its usage, and the short run of its second table from the installed
benchmark programs), that the
source-tree-only commands say so, and that running the helpers leaves no
__pycache__ among the installed files (a package must remove cleanly).

usage: installed_command.py BUILD_DIR
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stage  # noqa: E402
from stage import run  # noqa: E402


def main():
    build = sys.argv[1]
    c = stage.Checker()
    with stage.Staged(build) as st, tempfile.TemporaryDirectory(prefix='shimssl-cmd-') as work:
        cmd = st.command
        r = run([cmd, 'paths'])
        c.expect(r.returncode == 0 and 'library:   %s\n' % st.lib in r.stdout
                 and 'installed: %s' % cmd in r.stdout,
                 'shimssl paths names the staged library', r.stdout + r.stderr)

        r = run([cmd, 'run', 'cat', '/proc/self/maps'])
        c.expect(st.lib in r.stdout, 'shimssl run: the program maps the staged libssl.so.3',
                 r.stdout[-2000:] + r.stderr)

        r = run([cmd, 'check', '/usr/bin/openssl'])
        c.expect(r.returncode == 0 and 'imported functions implemented' in r.stdout
                 and 'SSL_CTX_new' in r.stdout,
                 'shimssl check /usr/bin/openssl reads the installed status table',
                 r.stdout[-1000:] + r.stderr)

        for ours in (False, True):
            argv = ([cmd, 'run'] if ours else []) + ['sleep', '30']
            proc = subprocess.Popen(argv, env=stage.CLEAN_ENV)
            try:
                # The wrapper execs: wait until the process is sleep itself.
                for _ in range(100):
                    with open('/proc/%d/cmdline' % proc.pid, 'rb') as fh:
                        if fh.read().startswith(b'sleep'):
                            break
                    subprocess.run(['sleep', '0.05'])
                r = run([cmd, 'check', '--pid', str(proc.pid)])
                if ours:
                    c.expect(r.returncode == 0 and 'uses shimssl' in r.stdout and st.lib in r.stdout,
                             'check --pid on a process run with shimssl run: ours (exit 0)',
                             r.stdout + r.stderr)
                else:
                    c.expect(r.returncode == 1 and 'no libssl loaded' in r.stdout,
                             'check --pid on a process without libssl: not ours (exit 1)',
                             r.stdout + r.stderr)
            finally:
                proc.kill()
                proc.wait()
        r = run([cmd, 'check', '--pid', '999999999'])
        c.expect(r.returncode == 2, 'check --pid on no such process: exit 2', r.stdout + r.stderr)

        trace = os.path.join(work, 't.trace')
        r = run([cmd, 'diff', '--peer', 'curl', '-sS', 'https://localhost:PORT/'], cwd=work,
                timeout=120)
        c.expect(r.returncode == 0 and 'divergences: 0' in r.stdout,
                 'shimssl diff --peer curl from the installed command', r.stdout + r.stderr)
        r = run([cmd, 'trace', '--with', 'shimssl', '-o', trace, 'openssl', 's_client',
                 '-connect', '127.0.0.1:9', '-brief'], cwd=work, timeout=60, input='')
        c.expect('over %s' % st.lib in r.stderr and os.path.exists(trace),
                 'shimssl trace --with shimssl traces over the staged library', r.stderr)

        r = run([cmd, 'bench', '--help'])
        c.expect(r.returncode == 0 and r.stdout.startswith('usage: shimssl bench'),
                 'shimssl bench --help prints the usage (and runs nothing)', r.stdout + r.stderr)
        # (its test PKI goes under $HOME/.cache: the work directory here)
        r = run([cmd, 'bench', '--smoke', '--only', 'other'], env=dict(stage.CLEAN_ENV, HOME=work),
                cwd=work, timeout=240)
        c.expect(r.returncode == 0 and '| heap per idle connection |' in r.stdout,
                 'shimssl bench --smoke --only other from the installed benchmark programs',
                 r.stdout[-2000:] + r.stderr[-2000:])

        r = run([cmd, 'build'])
        c.expect(r.returncode != 0 and 'source tree only' in r.stderr,
                 'shimssl build (a source-tree command) refuses, saying why', r.stderr)

        caches = [d for d, _, _ in os.walk(st.dir) if os.path.basename(d) == '__pycache__']
        c.expect(not caches, 'no __pycache__ written among the installed files', caches)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
