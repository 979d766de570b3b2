"""Real peers for the interop tests: stock openssl s_server, nginx,
gnutls-serv, and a few misbehaving servers of our own, each on a loopback
port the test picks, each stopped when the test ends (also on failure).

Peers always run on stock libssl: LD_PRELOAD and LD_LIBRARY_PATH are removed
from their environment.
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

CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ('LD_PRELOAD', 'LD_LIBRARY_PATH')}


def _exit_on_signal(signum, frame):
    # meson stops a test that runs too long with SIGTERM: turn it into an
    # exception so that every with-block closes its server.
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, _exit_on_signal)
signal.signal(signal.SIGINT, _exit_on_signal)


def fresh_pki(pki):
    """Makes the test PKI in pki, or remakes it when it has aged
    (make_certs.sh decides): every test that uses it calls this first, so a
    build tree never runs its tests on certificates past their validity."""
    subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), 'make_certs.sh'), pki],
                   check=True)


def free_port():
    """A port that was free a moment ago (for servers that cannot take port 0)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_listening(port, proc=None, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError('server exited with status %s' % proc.returncode)
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError('nothing listening on port %d' % port)


class Peer:
    """A server process (or thread) that is stopped by close() / the with-block."""

    def __init__(self):
        self.proc = None
        self.port = None
        self.log = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class SServer(Peer):
    """openssl s_server on 127.0.0.1:0 with the given arguments."""

    def __init__(self, args, cwd=None, env=None):
        super().__init__()
        self.proc = subprocess.Popen(
            ['openssl', 's_server', '-accept', '127.0.0.1:0'] + list(args),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=env if env is not None else CLEAN_ENV, start_new_session=True, text=True,
            cwd=cwd)
        # A thread reads its output (select() on a buffered pipe can miss a
        # line already read into the buffer); the port comes from the
        # "ACCEPT" line.
        self.lines = queue.Queue()
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        deadline = time.time() + 10
        while self.port is None and time.time() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise RuntimeError('s_server failed: %s' % ''.join(self.log))
                continue
            m = re.search(r'ACCEPT 127\.0\.0\.1:(\d+)', line)
            if m:
                self.port = int(m.group(1))
        if self.port is None:
            self.close()
            raise RuntimeError('s_server did not start: %s' % ''.join(self.log))

    def wait_exit(self, timeout=10):
        """For a server that ends on its own (-naccept 1): its exit status
        (subprocess's: negative for a signal) once it and its output have
        ended, or None if it is still running after timeout."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._drainer.join(timeout=5)
        return self.proc.returncode

    def _drain(self):
        for line in self.proc.stdout:
            self.log.append(line)
            self.lines.put(line)


class ScriptedServer(Peer):
    """A TCP server in a thread that runs handler(conn) for each connection."""

    def __init__(self, handler):
        super().__init__()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.stop = False
        self.thread = threading.Thread(target=self._serve, args=(handler,), daemon=True)
        self.thread.start()

    def _serve(self, handler):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with conn:
                try:
                    handler(conn)
                except OSError:
                    pass

    def close(self):
        self.stop = True
        self.sock.close()
        self.thread.join(timeout=5)


def read_client_hello(conn):
    """Reads one TLS record (the ClientHello) from conn."""
    data = b''
    conn.settimeout(5)
    while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], 'big'):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


class Nginx(Peer):
    """nginx serving one static page over TLS on a picked port."""

    def __init__(self, cert, key, extra='', page='hello from nginx\n', page_name='index.html'):
        super().__init__()
        self.dir = tempfile.mkdtemp(prefix='shimssl-nginx-')
        self.port = free_port()
        root = os.path.join(self.dir, 'www')
        os.makedirs(root)
        with open(os.path.join(root, page_name), 'w') as fh:
            fh.write(page)
        conf = os.path.join(self.dir, 'nginx.conf')
        with open(conf, 'w') as fh:
            fh.write('''
daemon off; master_process off; worker_processes 1;
pid %(d)s/nginx.pid; error_log %(d)s/error.log;
events { worker_connections 64; }
http {
  access_log off; client_body_temp_path %(d)s; proxy_temp_path %(d)s;
  fastcgi_temp_path %(d)s; uwsgi_temp_path %(d)s; scgi_temp_path %(d)s;
  server {
    listen 127.0.0.1:%(p)d ssl; server_name localhost;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate %(c)s; ssl_certificate_key %(k)s; root %(r)s;
    %(x)s
  }
}
''' % {'d': self.dir, 'p': self.port, 'c': cert, 'k': key, 'r': root, 'x': extra})
        self.proc = subprocess.Popen(['nginx', '-c', conf, '-p', self.dir], env=CLEAN_ENV,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        wait_listening(self.port, self.proc)


class GnutlsServ(Peer):
    """gnutls-serv (an independent TLS stack) echoing on a picked port."""

    def __init__(self, cert, key, priority=None, http=False):
        super().__init__()
        self.port = free_port()
        args = ['gnutls-serv', '--http' if http else '--echo', '--port', str(self.port),
                '--x509certfile', cert, '--x509keyfile', key]
        if priority:
            args += ['--priority', priority]
        self.proc = subprocess.Popen(args, env=CLEAN_ENV, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        wait_listening(self.port, self.proc)


class HangupServer(Peer):
    """hangup_server.py: echoes a line, then closes without close_notify."""

    def __init__(self, cert, key, extra=()):
        super().__init__()
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'hangup_server.py')
        self.proc = subprocess.Popen(['python3', script, cert, key] + list(extra),
                                     stdout=subprocess.PIPE, env=CLEAN_ENV, text=True,
                                     start_new_session=True)
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.close()
            raise RuntimeError('hangup_server.py did not start')
        self.port = int(line)
