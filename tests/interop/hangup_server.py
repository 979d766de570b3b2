#!/usr/bin/env python3
"""A TLS server that hangs up without close_notify (Python's ssl module over
stock libssl: peers.py starts it with LD_PRELOAD and LD_LIBRARY_PATH removed).

For each connection it echoes one line, then closes the TCP connection
without sending close_notify: at once, or (--after-close-notify) once the
client's close_notify has come.  One context serves every connection, so
its ticket keys let a later connection resume.  It prints its port, then
serves until killed.

usage: hangup_server.py CERT KEY [--tls12] [--after-close-notify]
"""
import socket
import ssl
import sys


def serve(conn, ctx, after_close_notify):
    conn.settimeout(5)
    tls = ctx.wrap_socket(conn, server_side=True)
    line = b''
    while not line.endswith(b'\n'):
        chunk = tls.recv(4096)
        if not chunk:
            break
        line += chunk
    tls.sendall(line)
    if after_close_notify:
        # recv returns b'' when the close_notify arrives.
        while tls.recv(4096):
            pass
    # Closing without unwrap() sends no close_notify.
    tls.close()


def main():
    cert, key = sys.argv[1:3]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    if '--tls12' in sys.argv:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    sock.listen(8)
    print(sock.getsockname()[1], flush=True)
    while True:
        conn, _ = sock.accept()
        try:
            serve(conn, ctx, '--after-close-notify' in sys.argv)
        except (ssl.SSLError, OSError) as e:
            print('connection failed: %s' % e, file=sys.stderr, flush=True)
        finally:
            conn.close()


if __name__ == '__main__':
    main()
