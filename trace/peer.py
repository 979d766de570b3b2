"""Local stock peers for `shimssl diff --peer`: openssl s_server for client
programs, openssl s_client for server programs.

Peers run on the system's libssl (no preload), on loopback, with a
certificate for localhost made for the occasion by a throw-away CA.  The
program is told to trust that CA through SSL_CERT_FILE (OpenSSL's default
verify paths: openssl, Python) and CURL_CA_BUNDLE (curl); the CA, the
certificate and its key are also in SHIMSSL_PEER_CA / _CERT / _KEY, for
server programs and for programs given paths on their command line.
"""
import os
import queue
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time

from runner import ENV_DROP

CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ENV_DROP}
PAGE = 'hello from the shimssl diff peer\n'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def listening(port):
    """Whether something listens on port, read from /proc/net/tcp{,6}: a
    test connection would use up a server's only accept (-naccept 1)."""
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(table) as fh:
                next(fh)
                for line in fh:
                    f = line.split()
                    if f[3] == '0A' and int(f[1].rsplit(':', 1)[1], 16) == port:
                        return True
        except OSError:
            continue
    return False


def wait_listening(port, proc, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        if listening(port):
            return True
        time.sleep(0.05)
    return False


def stop(proc):
    """Stops a process started in its own session, and all it started."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def make_pki(d):
    """ca.pem, server.pem, server.key for localhost / 127.0.0.1, in d."""
    def o(*args):
        subprocess.run(['openssl'] + list(args), cwd=d, env=CLEAN_ENV, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=shimssl diff peer CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign')
    o('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost')
    with open(os.path.join(d, 'server.ext'), 'w') as fh:
        fh.write('subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n'
                 'extendedKeyUsage=serverAuth,clientAuth\n')
    o('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
      '-CAcreateserial', '-days', '2', '-out', 'server.pem', '-extfile', 'server.ext')


class Peer:
    """The PKI, and the peer process once started (a with-block stops it)."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix='shimssl-peer-')
        self.dir = self.tmp.name
        make_pki(self.dir)
        self.ca = os.path.join(self.dir, 'ca.pem')
        self.cert = os.path.join(self.dir, 'server.pem')
        self.key = os.path.join(self.dir, 'server.key')
        self.port = None
        self.proc = None

    def env(self):
        """Variables given to the program."""
        return {'SSL_CERT_FILE': self.ca, 'CURL_CA_BUNDLE': self.ca, 'SHIMSSL_PEER_CA': self.ca,
                'SHIMSSL_PEER_CERT': self.cert, 'SHIMSSL_PEER_KEY': self.key}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        stop(self.proc)
        self.tmp.cleanup()


class SServer(Peer):
    """openssl s_server -WWW on a loopback port, serving a directory that holds
    index.html and page.txt; the same server answers both runs."""

    def start(self):
        www = os.path.join(self.dir, 'www')
        os.makedirs(www)
        for name in ('index.html', 'page.txt'):
            with open(os.path.join(www, name), 'w') as fh:
                fh.write(PAGE)
        self.proc = subprocess.Popen(
            ['openssl', 's_server', '-accept', '127.0.0.1:0', '-cert', self.cert,
             '-key', self.key, '-WWW'], cwd=www, env=CLEAN_ENV, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        lines = queue.Queue()
        # A thread keeps reading its output so that it never blocks on a
        # full pipe; the port comes from its "ACCEPT" line.
        threading.Thread(target=lambda: [lines.put(x) for x in self.proc.stdout],
                         daemon=True).start()
        deadline = time.time() + 10
        while self.port is None and time.time() < deadline and self.proc.poll() is None:
            try:
                m = re.search(r'ACCEPT 127\.0\.0\.1:(\d+)', lines.get(timeout=0.2))
            except queue.Empty:
                continue
            if m:
                self.port = int(m.group(1))
        if self.port is None:
            raise RuntimeError('openssl s_server did not start')
        return self


class SClient(Peer):
    """openssl s_client against the program (a server) on a port chosen now:
    connects once the program listens, sends one HTTP request, and leaves
    a second for the answer before it closes."""

    def start(self):
        self.port = free_port()
        return self

    def run_against(self, server_proc, timeout=10.0):
        if not wait_listening(self.port, server_proc):
            return 'the program did not listen on port %d' % self.port
        c = subprocess.Popen(['openssl', 's_client', '-connect', '127.0.0.1:%d' % self.port,
                              '-servername', 'localhost', '-CAfile', self.ca],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=CLEAN_ENV, start_new_session=True)
        try:
            c.stdin.write(b'GET / HTTP/1.0\r\n\r\n')
            c.stdin.flush()
            time.sleep(1)
            c.stdin.close()
            c.wait(timeout=timeout)
            return 's_client exit %d' % c.returncode
        except (subprocess.TimeoutExpired, BrokenPipeError):
            return 's_client did not finish'
        finally:
            stop(c)
