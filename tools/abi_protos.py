"""Reads the prototypes of shimssl's public headers.

Our headers keep each exported function's prototype on one line (an optional
OSSL_DEPRECATEDIN_x attribute, then a plain C declaration), which is what lets
this small parser find them.  Used by gen_stubs.py at build time and by the
ABI tests.
"""
import os
import re

HEADERS = ['ssl.h', 'tls1.h', 'ssl3.h', 'dtls1.h', 'srtp.h', 'ssl2.h',
           'sslerr.h', 'sslerr_legacy.h', 'prov_ssl.h']


def split_params(text):
    """Split a parameter list at top-level commas."""
    out, depth, cur = [], 0, ''
    for ch in text:
        if ch == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
            continue
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


class Proto:
    """One exported function: its name, return type and parameter types."""

    def __init__(self, line):
        self.line = line
        decl = re.sub(r'^OSSL_DEPRECATEDIN_\w+\s+', '', line).rstrip(';').strip()
        fp = re.match(r'^(.*)\(\*\s*(\w+)\((.*?)\)\)(\(.*\))$', decl)
        if fp:
            # A function returning a function pointer: "R (*name(params))(fparams)".
            self.name = fp.group(2)
            self.params = self._params(fp.group(3))
            self.ret = '%s(*)%s' % (fp.group(1).strip(), fp.group(4))
            self.ret_is_pointer = True
            self._shape = (fp.group(1).strip() + ' (*', ')' + fp.group(4))
            return
        # The parameter list is the parenthesised group that ends the line;
        # the name is the identifier just before it.
        if not decl.endswith(')'):
            raise ValueError('cannot parse prototype: ' + line)
        depth, start = 0, None
        for i in range(len(decl) - 1, -1, -1):
            if decl[i] == ')':
                depth += 1
            elif decl[i] == '(':
                depth -= 1
                if depth == 0:
                    start = i
                    break
        m = re.match(r'^(.*[\s*])(\w+)$', decl[:start]) if start else None
        if not m:
            raise ValueError('cannot parse prototype: ' + line)
        self.ret = m.group(1).strip()
        self.name = m.group(2)
        self.params = self._params(decl[start + 1:-1])
        self.ret_is_pointer = self.ret.endswith('*')
        self._shape = (self.ret + ' ' if not self.ret.endswith('*') else self.ret, '')

    @staticmethod
    def _params(text):
        text = text.strip()
        return [] if text in ('', 'void') else split_params(text)

    def is_void(self):
        return self.ret == 'void'

    def definition_head(self):
        """The declarator with parameters named a0, a1, ... for a definition."""
        named = []
        for i, p in enumerate(self.params):
            nm = 'a%d' % i
            if '(*)' in p:
                named.append(p.replace('(*)', '(*%s)' % nm, 1))
            else:
                named.append('%s %s' % (p, nm) if not p.endswith('*') else '%s%s' % (p, nm))
        args = ', '.join(named) if named else 'void'
        return '%s%s(%s)%s' % (self._shape[0], self.name, args, self._shape[1])


def read_protos(include_dir, exports):
    """Map name -> Proto for every name in exports found in the headers."""
    found = {}
    for h in HEADERS:
        with open(os.path.join(include_dir, 'openssl', h)) as fh:
            for line in fh:
                line = line.strip()
                if not line.endswith(');') or line.startswith('#'):
                    continue
                try:
                    p = Proto(line)
                except ValueError:
                    continue
                if p.name in exports:
                    found[p.name] = p
    return found


def read_exports(path):
    with open(path) as fh:
        return [l.strip() for l in fh if l.strip() and not l.startswith('#')]


def read_status(path):
    """status.tsv rows: name, status, failure value, note."""
    rows = {}
    with open(path) as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) != 4:
                raise ValueError('%s:%d: expected 4 tab-separated columns' % (path, n))
            name, status, fail, note = cols
            if status not in ('implemented', 'partial', 'unsupported'):
                raise ValueError('%s:%d: bad status %r' % (path, n, status))
            if name in rows:
                raise ValueError('%s:%d: %s listed twice' % (path, n, name))
            rows[name] = (status, fail, note)
    return rows
