"""Running a program under the tracer, over stock libssl or over ours.

How the preload makes RTLD_NEXT find the chosen libssl: LD_PRELOAD lists
the tracer first and the chosen libssl.so.3 right after it.  The dynamic
linker puts preloaded objects in the global scope in that order, ahead of
everything the program links, so (a) every libssl call of the program, of
libcurl or of Python's dlopen'ed _ssl module binds to the tracer, and
(b) the tracer's dlsym(RTLD_NEXT, ...) finds the chosen library next.  The
chosen file has the soname libssl.so.3, which is what the tracer, libcurl
and _ssl depend on, so the dynamic linker takes the preloaded file for all
of them and never opens a second libssl: with ours preloaded, the system's
is not loaded at all.  Processes inherit the variables, so children and
exec'd programs are traced too; each writes its own file.
"""
import glob
import os
import re
import subprocess
import sys

ENV_DROP = ('LD_PRELOAD', 'LD_LIBRARY_PATH', 'SHIMSSL_TRACE_FILE')


class Libraries:
    """Where the tracer and the two libssl files are."""

    def __init__(self, tracer, ours):
        # The shimssl script passes both: build/trace and build/shim in the
        # source tree, $libdir/shimssl when installed.
        self.tracer = tracer
        self.ours = ours
        self.stock = self._stock_libssl()

    def _stock_libssl(self):
        """The system's libssl.so.3, as the dynamic linker resolves the
        tracer's dependency with no preload and no library path."""
        env = {k: v for k, v in os.environ.items() if k not in ENV_DROP}
        try:
            out = subprocess.run(['ldd', self.tracer], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True).stdout
        except OSError:
            out = ''
        m = re.search(r'libssl\.so\.3 => (\S+)', out)
        return m.group(1) if m else 'libssl.so.3'

    def libssl(self, which):
        return self.stock if which == 'stock' else self.ours

    def check(self, which):
        for path in (self.tracer, self.libssl(which)):
            if '/' in path and not os.path.exists(path):
                sys.exit('shimssl: %s is missing (in a source tree: ./shimssl build)' % path)


def traced_env(libs, which, out_file, base=None):
    """The environment of a program traced over `which` ('stock' or
    'shimssl'), writing its trace to out_file (and out_file.PID ...)."""
    env = dict(os.environ if base is None else base)
    for k in ENV_DROP:
        env.pop(k, None)
    preload = [libs.tracer, libs.libssl(which)]
    user = (os.environ.get('LD_PRELOAD') or '').replace(':', ' ').split()
    # Another libssl in the user's preload would shadow the chosen one.
    preload += [p for p in user if not os.path.basename(p).startswith('libssl.so')]
    env['LD_PRELOAD'] = ':'.join(preload)
    env['SHIMSSL_TRACE_FILE'] = os.path.abspath(out_file)
    return env


def clear_traces(out_file):
    """Removes what an earlier run left at out_file: the file itself and
    the per-process files out_file.PID[.N]."""
    for p in [out_file] + glob.glob(glob.escape(out_file) + '.*'):
        if p == out_file or re.match(r'^\.\d+(\.\d+)?$', p[len(out_file):]):
            try:
                os.remove(p)
            except FileNotFoundError:
                pass


def trace_files(out_file):
    """The files one traced run wrote, first process first."""
    files = [p for p in [out_file] + glob.glob(glob.escape(out_file) + '.*')
             if os.path.exists(p) and (p == out_file or
                                       re.match(r'^\.\d+(\.\d+)?$', p[len(out_file):]))]
    return sorted(set(files), key=lambda p: header(p).get('start', 0))


def header(path):
    """The fields of a trace file's first line (pid, ppid, start, libssl)
    and its command line."""
    fields = {}
    try:
        with open(path, errors='replace') as fh:
            first = fh.readline()
            second = fh.readline()
    except OSError:
        return fields
    for m in re.finditer(r'(\w+)=(\S+)', first):
        fields[m.group(1)] = int(m.group(2)) if m.group(2).isdigit() else m.group(2)
    if second.startswith('# cmd: '):
        fields['cmd'] = second[len('# cmd: '):].rstrip('\n')
    return fields


def same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
