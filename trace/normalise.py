"""What `shimssl diff` takes out of a trace before comparing: what differs
between two runs of the same program even on the same library.

- Object ids are renumbered by first appearance (#ssl3 -> #ssl1 ...), thread
  numbers too, and sequence numbers are dropped.
- Values the tracer marked "~" (randoms, keys, session ids, tickets, times,
  session DER) are replaced by their kind: ~data[32:1f2e3d4c] -> ~data,
  ~1732611111 -> ~.  Even lengths vary: a session's DER holds its time and
  a random ticket age as ASN.1 INTEGERs, one byte longer now and then.
- Retries: a non-blocking call that answered SSL_ERROR_WANT_READ or
  _WANT_WRITE, and the program's SSL_get_error call saying so, depend on how
  the peer's bytes happened to arrive; they are left out, and so is the info
  callback's EXIT event with -1 that ended such a call (other callbacks that
  ran inside them stay: they happen however the bytes are cut).
- Polls: event loops ask the same questions (SSL_get_fd, SSL_pending,
  SSL_is_init_finished ...) once per wake-up, and how often they wake up is
  timing.  A query that gives the same answer as the last time the same
  query was asked on that thread is left out; a changed answer stays.
- "> NAME(...)" lines only announce a call whose callbacks follow; the call's
  own line ("< NAME(...) = ...") says everything, without the marker.
- Functions named with --ignore (and callbacks, as cb:KIND) are left out.
- With --data-lengths, the bytes a program writes and reads are compared by
  length only (data[235:93c3f7c4] -> data[235]): for a server whose replies
  hold the time of day (HTTP's Date header), which libssl does not choose.
"""
import re

LINE = re.compile(r'^t(\d+) (\d+) ( *)(.*)$')
OBJ = re.compile(r'#(ssl|ctx|sess|bio|conf)(\d+)')
VBUF = re.compile(r'~data\[(\d+):[0-9a-f]+\]')
DBUF = re.compile(r'(?<!~)data\[(\d+):[0-9a-f]+\]')
VINT = re.compile(r'~-?\d+')
RETRY = re.compile(r' \| SSL_ERROR_WANT_(READ|WRITE)\b')
EXIT_RETRY = re.compile(r'^ *cb:info\(#\w+, SSL_CB_EXIT\|SSL_ST_(ACCEPT|CONNECT), -1\)$')
GET_ERROR_RETRY = re.compile(r'^SSL_get_error\(.*\) = SSL_ERROR_WANT_(READ|WRITE)$')
NAME = re.compile(r'^((?:cb:)?\w+)\(')
QUERY = re.compile(r'^(SSL|SSL_CTX|SSL_SESSION|SSL_CIPHER)_(get|is_|has_|want|pending|version$|'
                   r'session_reused|in_)')


class Entry:
    """One call: its normalised text and the line it came from."""

    def __init__(self, thread, text, original, name):
        self.thread = thread
        self.text = text
        self.original = original
        self.name = name

    def key(self):
        return 't%d %s' % (self.thread, self.text)


def function_name(text):
    m = NAME.match(text)
    return m.group(1) if m else '?'


def normalise(lines, ignore=(), data_lengths=False):
    """Entries of one process's trace, thread by thread (threads in the order
    they first called libssl), each thread's calls in its own order."""
    ids, threads = {}, {}
    per_thread, last_answer = {}, {}
    for raw in lines:
        raw = raw.rstrip('\n')
        m = LINE.match(raw)
        if not m:
            continue  # headers, notes
        thread, indent, text = m.group(1), m.group(3), m.group(4)
        if text.startswith('> '):
            continue
        if text.startswith('< '):
            text = text[2:]
        if RETRY.search(text) or GET_ERROR_RETRY.match(text):
            done = per_thread.get(threads.get(thread))
            if done and EXIT_RETRY.match(done[-1].text):
                done.pop()
            continue
        name = function_name(text)
        if name in ignore:
            continue

        def renumber(mo):
            key = (mo.group(1), mo.group(2))
            if key not in ids:
                ids[key] = sum(1 for k in ids if k[0] == mo.group(1)) + 1
            return '#%s%d' % (mo.group(1), ids[key])
        text = OBJ.sub(renumber, text)
        text = VBUF.sub('~data', text)
        text = VINT.sub('~', text)
        if data_lengths:
            text = DBUF.sub(r'data[\1]', text)
        t = threads.setdefault(thread, len(threads) + 1)
        if QUERY.match(name):
            question = (t, indent + text.split(' = ')[0])
            if last_answer.get(question) == text:
                continue
            last_answer[question] = text
        per_thread.setdefault(t, []).append(Entry(t, indent + text, raw, name))
    out = []
    for t in sorted(per_thread):
        out.extend(per_thread[t])
    return out
