#!/usr/bin/env python3
"""Our include/openssl headers against the system's, at test time.

Everything is read from the installed OpenSSL 3.0 headers when the test runs,
so drift on either side is caught:
  * every object-like macro of the nine libssl headers: numbers equal in value
    and C type, strings equal, anything else (aliases, guards) equal in its
    full expansion;
  * every function-like macro: the same expansion for placeholder arguments;
  * the same macros hidden by OPENSSL_NO_DEPRECATED at API levels 3.0 and 1.1.0;
  * every function prototype (gcc -aux-info), the handshake-state enum, and
    the deprecation warnings a program gets;
  * ours define nothing the system headers do not, and compile as C++.

usage: check_headers.py OUR_INCLUDE_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys

HDRS = ['ssl', 'tls1', 'ssl3', 'dtls1', 'srtp', 'ssl2', 'sslerr', 'sslerr_legacy', 'prov_ssl']
CC = os.environ.get('CC', 'cc')


def sh(args, **kw):
    r = subprocess.run(args, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.stderr.write(r.stderr[-4000:])
        raise SystemExit('command failed: %s' % ' '.join(args))
    return r.stdout


class Side:
    """One header set: the system's (no -I) or ours (-I include)."""

    def __init__(self, name, inc, work):
        self.name = name
        self.flags = ['-I', inc] if inc else []
        self.hdr_re = re.compile(r'/openssl/(%s)\.h$' % '|'.join(HDRS))
        self.inc = inc
        self.work = work

    def own_header(self, path):
        if not self.hdr_re.search(path):
            return False
        if self.inc:
            return os.path.realpath(path).startswith(os.path.realpath(self.inc))
        return path.startswith('/usr/include')

    def macros(self, extra=()):
        """name -> (params or None, body) for macros our nine headers define."""
        src = os.path.join(self.work, 'all_%s.c' % self.name)
        with open(src, 'w') as fh:
            fh.write('#include <openssl/ssl.h>\n')
        out = sh([CC, '-E', '-dD'] + self.flags + list(extra) + [src])
        cur, macros = None, {}
        for line in out.splitlines():
            m = re.match(r'# \d+ "([^"]+)"', line)
            if m:
                cur = m.group(1)
                continue
            if cur is None or not self.own_header(cur):
                continue
            m = re.match(r'#define (\w+)(\([^)]*\))? ?(.*)$', line)
            if m:
                macros[m.group(1)] = (m.group(2), m.group(3))
                continue
            m = re.match(r'#undef (\w+)', line)
            if m:
                macros.pop(m.group(1), None)
        return macros

    def expand(self, probes):
        """Run the preprocessor over "@@@key@@@ text" lines; key -> expansion."""
        src = os.path.join(self.work, 'exp_%s.c' % self.name)
        with open(src, 'w') as fh:
            fh.write('#include <openssl/ssl.h>\n')
            # Keys are indices: a macro name as key would itself be expanded.
            for i, (_, text) in enumerate(probes):
                fh.write('@@@K%d@@@ %s\n' % (i, text))
        out = sh([CC, '-E', '-P'] + self.flags + [src])
        res = {}
        for line in out.splitlines():
            m = re.match(r'^@@@K(\d+)@@@ (.*)$', line)
            if m:
                res[probes[int(m.group(1))][0]] = re.sub(r'\s+', '', m.group(2))
        return res

    def run_program(self, text, tag, cflags=()):
        src = os.path.join(self.work, '%s_%s.c' % (tag, self.name))
        exe = os.path.join(self.work, '%s_%s' % (tag, self.name))
        with open(src, 'w') as fh:
            fh.write(text)
        sh([CC, '-w'] + self.flags + list(cflags) + [src, '-o', exe])
        return sh([exe])

    def compile_messages(self, text, tag, cflags):
        src = os.path.join(self.work, '%s_%s.c' % (tag, self.name))
        with open(src, 'w') as fh:
            fh.write(text)
        r = subprocess.run([CC, '-c', '-o', '/dev/null'] + self.flags + list(cflags) + [src],
                           capture_output=True, text=True, env=dict(os.environ, LC_ALL='C'))
        return r.returncode, r.stderr

    def prototypes(self):
        src = os.path.join(self.work, 'aux_%s.c' % self.name)
        aux = os.path.join(self.work, 'aux_%s.txt' % self.name)
        with open(src, 'w') as fh:
            fh.write('#include <openssl/ssl.h>\n')
        sh([CC, '-aux-info', aux, '-c', '-o', '/dev/null'] + self.flags + [src])
        protos = {}
        with open(aux) as fh:
            for line in fh:
                m = re.match(r'/\* (\S+):\d+:\w+ \*/ (.*)$', line.strip())
                if not m or not self.own_header(m.group(1)):
                    continue
                decl = re.sub(r'\s*/\*.*\*/\s*$', '', m.group(2))
                if decl.startswith('static'):
                    continue  # the safestack helpers libcrypto's macros generate
                fp = re.search(r'\(\*(\w+) \(', decl)
                name = fp.group(1) if fp else re.search(r'(\w+) \(', decl).group(1)
                protos[name] = decl
        return protos


NUMERIC = re.compile(r'^[\s\w()+\-*/|&<>~^]*$')


def classify(expansion):
    if expansion == '':
        return 'empty'
    if expansion.startswith('"'):
        return 'string'
    if re.match(r'^[A-Za-z_]\w*$', expansion):
        return 'alias'
    if NUMERIC.match(expansion) and re.search(r'\d', expansion):
        return 'number'
    return 'other'


def main():
    inc, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    sysh = Side('system', None, work)
    ours = Side('ours', inc, work)
    fails = []

    sm, om = sysh.macros(), ours.macros()
    missing = sorted(set(sm) - set(om))
    extra = sorted(set(om) - set(sm))
    if missing:
        fails.append('%d macros missing from ours: %s' % (len(missing), missing[:30]))
    if extra:
        fails.append('%d macros only in ours: %s' % (len(extra), extra[:30]))

    # Expansions of every macro under both header sets.
    probes = []
    for name, (params, _) in sorted(sm.items()):
        if params is None:
            probes.append((name, name))
        else:
            args = [a.strip() for a in params[1:-1].split(',') if a.strip()]
            probes.append((name, '%s(%s)' % (name, ', '.join('ARG%d' % i for i in range(len(args))))))
    se, oe = sysh.expand(probes), ours.expand(probes)

    kinds = {}
    numbers, strings = [], []
    for name, (params, _) in sorted(sm.items()):
        if name not in om:
            continue
        if params is not None:
            kinds['function-like'] = kinds.get('function-like', 0) + 1
            if se.get(name) != oe.get(name):
                fails.append('function-like %s: %s != %s' % (name, oe.get(name), se.get(name)))
            continue
        kind = classify(se.get(name, ''))
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == 'number':
            numbers.append(name)
        elif kind == 'string':
            strings.append(name)
        elif se.get(name) != oe.get(name):
            fails.append('%s %s: %s != %s' % (kind, name, oe.get(name), se.get(name)))

    # Values and C types of the numbers, contents of the strings.
    prog = ['#include <stdio.h>', '#include <string.h>', '#include <openssl/ssl.h>',
            '#define TYPE(x) _Generic((x), int: "int", unsigned int: "unsigned int", long: "long",'
            ' unsigned long: "unsigned long", long long: "long long",'
            ' unsigned long long: "unsigned long long", default: "other")',
            'static void str(const char *n, const char *s, size_t len) {',
            '  printf("%s \\"", n);',
            '  for (size_t i = 0; i < len; i++) printf("\\\\x%02x", (unsigned char)s[i]);',
            '  printf("\\"\\n"); }',
            'int main(void) {']
    for n in numbers:
        prog.append('  printf("%%s %%lld %%s\\n", "%s", (long long)(%s), TYPE(%s));' % (n, n, n))
    for n in strings:
        prog.append('  str("%s", %s, sizeof(%s) - 1);' % (n, n, n))
    prog += ['  return 0;', '}']
    text = '\n'.join(prog) + '\n'
    sv = sysh.run_program(text, 'values').splitlines()
    ov = ours.run_program(text, 'values').splitlines()
    for a, b in zip(sv, ov):
        if a != b:
            fails.append('value: ours %s, system %s' % (b, a))
    if len(sv) != len(ov):
        fails.append('value listing lengths differ')

    # Deprecation guards: the same macros disappear under the same API levels.
    for level in ('30000', '10100'):
        flags = ['-DOPENSSL_NO_DEPRECATED', '-DOPENSSL_API_COMPAT=%s' % level]
        a, b = set(sysh.macros(flags)), set(ours.macros(flags))
        if a != b:
            fails.append('NO_DEPRECATED at %s: only system %s, only ours %s' % (
                level, sorted(a - b)[:20], sorted(b - a)[:20]))

    # Prototypes.
    sp, op = sysh.prototypes(), ours.prototypes()
    if set(sp) != set(op):
        fails.append('declared functions differ: only system %s, only ours %s' % (
            sorted(set(sp) - set(op))[:20], sorted(set(op) - set(sp))[:20]))
    for n in sorted(set(sp) & set(op)):
        if sp[n] != op[n]:
            fails.append('prototype %s: ours "%s", system "%s"' % (n, op[n], sp[n]))

    # The handshake-state enumeration and the CT validation enumerators.
    pre = sh([CC, '-E', '-P', os.path.join(work, 'all_system.c')])
    body = re.search(r'typedef enum \{([^}]*)\} OSSL_HANDSHAKE_STATE', pre).group(1)
    enums = [e.strip().split('=')[0].strip() for e in body.split(',') if e.strip()]
    enums += ['SSL_CT_VALIDATION_PERMISSIVE', 'SSL_CT_VALIDATION_STRICT']
    eprog = '#include <stdio.h>\n#include <openssl/ssl.h>\nint main(void) {\n%s  return 0;\n}\n' % ''.join(
        '  printf("%%s %%d\\n", "%s", (int)%s);\n' % (e, e) for e in enums)
    if sysh.run_program(eprog, 'enums') != ours.run_program(eprog, 'enums'):
        fails.append('enumerator values differ')

    # Deprecation warnings when every function is used.
    dprog = '#include <openssl/ssl.h>\nvoid *fns[] = {\n%s};\n' % ''.join(
        '  (void *)%s,\n' % n for n in sorted(sp))
    _, sw = sysh.compile_messages(dprog, 'deprec', ['-Wdeprecated-declarations'])
    _, ow = ours.compile_messages(dprog, 'deprec', ['-Wdeprecated-declarations'])
    pat = re.compile(r"'(\w+)' is deprecated(: [^\[]*)?")
    swn = sorted(set(m.group(0).strip() for m in pat.finditer(sw)))
    own = sorted(set(m.group(0).strip() for m in pat.finditer(ow)))
    if swn != own:
        fails.append('deprecation warnings differ: only system %s, only ours %s' % (
            sorted(set(swn) - set(own))[:10], sorted(set(own) - set(swn))[:10]))

    # Usable from C++ (extern "C" and nothing C-only at file scope).
    cxx = os.environ.get('CXX', 'c++')
    if subprocess.run(['sh', '-c', 'command -v %s' % cxx], capture_output=True).returncode == 0:
        src = os.path.join(work, 'cxx.cc')
        with open(src, 'w') as fh:
            fh.write('#include <openssl/ssl.h>\nint main() { return SSL_ERROR_NONE; }\n')
        r = subprocess.run([cxx, '-fsyntax-only', '-I', inc, src], capture_output=True, text=True)
        if r.returncode != 0:
            fails.append('C++ compile failed: %s' % r.stderr[-500:])

    print('macros: %d system, %d ours; %s' % (len(sm), len(om), ', '.join(
        '%d %s' % (v, k) for k, v in sorted(kinds.items()))))
    print('values compared: %d numbers, %d strings' % (len(numbers), len(strings)))
    print('prototypes compared: %d; enumerators: %d; deprecated: %d' % (
        len(sp), len(enums), len(swn)))
    for f in fails[:60]:
        print('FAIL: ' + f)
    if len(fails) > 60:
        print('... and %d more' % (len(fails) - 60))
    sys.exit(1 if fails else 0)


if __name__ == '__main__':
    main()
