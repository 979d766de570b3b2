"""openssl s_time under test as a client: -new (a full handshake per
connection) and -reuse (one SSL object whose session is offered again on
every connection) against a stock s_server -www.

What an observer sees: the exit status, the mark s_time prints for each
connection ('*' a new TLS 1.2+ session, 'r' a reused one), whether any
connection was made, and the bytes of s_server's page read per connection
(the page lists the ciphers the client offered, so a different
ClientHello shows there too)."""
import re

from harness import Group, Scenario


def s_time(args, server_args=()):
    def fn(r):
        port = r.port()
        r.start('s_server', ['openssl', 's_server', '-accept', '127.0.0.1:%d' % port,
                             '-cert', r.pem('server-ec.pem'), '-key', r.pem('server-ec.key'),
                             '-www'] + list(server_args), port=port, under_test=False)
        status, out = r.client(['openssl', 's_time', '-connect', '127.0.0.1:%d' % port,
                                '-CAfile', r.pem('ca.pem'), '-time', '1', '-www', '/'] + list(args),
                               under_test=True)
        # The marks line: after "starting" for -reuse, after "Collecting..." for -new.
        marks = ''.join(re.findall(r'^([*rt3]+)$', out, re.M))
        m = re.search(r'^(\d+) connections in \d+ real seconds, (\d+) bytes read per connection$',
                      out, re.M)
        return {'exit': status, 'marks': ''.join(sorted(set(marks))),
                'connected': bool(m and int(m.group(1)) > 0),
                'bytes_per_connection': int(m.group(2)) if m else None}
    return fn


def scenarios(pki):
    S = Scenario
    # (the page's length is stock's at the time of writing; it is a fact
    # compared between the runs, not an expectation)
    ok = {'exit': 0, 'connected': True}
    return [
        S('new-tls13', s_time(['-new']), dict(ok, marks='*'), quick=True),
        S('reuse-tls13', s_time(['-reuse']), dict(ok, marks='r'), quick=True),
        S('new-tls12', s_time(['-new', '-tls1_2']), dict(ok, marks='*')),
        S('reuse-tls12', s_time(['-reuse', '-tls1_2']), dict(ok, marks='r')),
        # A server that keeps no sessions: every connection is new.
        S('reuse-tls12-no-cache', s_time(['-reuse', '-tls1_2'], ['-no_cache', '-no_ticket']),
          dict(ok, marks='*')),
    ]


GROUPS = [Group('openssl s_time', 'client', scenarios, needs=['openssl'], short='s_time')]
