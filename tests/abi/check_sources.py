#!/usr/bin/env python3
"""Source rules the library relies on.

1. Exports (see shim/shim.h): every C file of the library includes "shim.h"
   before anything else, and none includes <openssl/ssl.h> (or the other
   libssl headers) directly, because the first declaration decides which
   functions are exported.
2. Layers (see README.md, "Layout"): api -> tls -> crypto -> libcrypto.
   - shim/tls never includes a shim/api header; shim/crypto never includes a
     shim/tls or shim/api header (an include is resolved as the compiler
     finds it, so "../api/x.h", "tls/../api/x.h" and <api/x.h> count too);
   - neither shim/tls nor shim/crypto calls an exported libssl function,
     directly or through a macro of our public headers (SSL_set_mode is
     SSL_ctrl); the engine has internal equivalents; an exported function is
     the API's;
   - EVP / EVP_PKEY / EVP_MAC / EVP_KDF / X509_STORE_CTX functions are called
     only in shim/crypto.  Outside it, only EVP_PKEY_free and EVP_PKEY_up_ref
     are allowed: keys cross every layer (applications hand us theirs), so
     holding and releasing them is not using libcrypto's machinery.

usage: check_sources.py SOURCE_ROOT EXPORT_LIST
       check_sources.py --self-test EXPORT_LIST
The self-test plants one violation of each rule in a scratch tree and fails
unless every one is reported, so the check itself cannot pass by accident.
"""
import os
import re
import shutil
import sys
import tempfile

LIBSSL_HEADERS = re.compile(r'#\s*include\s*<openssl/(ssl|tls1|ssl3|dtls1|srtp|ssl2|sslerr|'
                            r'sslerr_legacy|prov_ssl)\.h>')
ANY_INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]', re.M)
LIBSSL_HEADER_NAMES = {'ssl.h', 'tls1.h', 'ssl3.h', 'dtls1.h', 'srtp.h', 'ssl2.h', 'sslerr.h',
                       'sslerr_legacy.h', 'prov_ssl.h'}
CRYPTO_CALL = re.compile(r'\b((?:EVP|X509_STORE_CTX)_[A-Za-z0-9_]*)\s*\(')
ANY_CALL = re.compile(r'\b([A-Za-z_][A-Za-z0-9_]*)\s*\(')
CRYPTO_CALLS_ALLOWED = {'EVP_PKEY_free', 'EVP_PKEY_up_ref'}

# Which layers a layer may include from (besides the top-level shim.h and
# objects.h and util/, which every layer shares).
MAY_INCLUDE = {
    'api': {'api', 'tls', 'crypto', 'util'},
    'tls': {'tls', 'crypto', 'util'},
    'crypto': {'crypto', 'util'},
    'util': {'util'},
}


def strip_comments_and_strings(text):
    """Comments become blank lines (line numbers stay right); strings empty."""
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def resolve_include(root, rel, quote, name):
    """Where an include lands, relative to the source root, as the compiler
    finds it: a "quoted" name in the including file's directory first, then
    (quoted or <angled>) under the include directories shim/ and include/.
    None for a system header.  Written out so that "../api/x.h",
    "tls/../api/x.h" or <api/x.h> cannot pass for something else."""
    bases = ([os.path.dirname(rel)] if quote == '"' else []) + ['shim', 'include']
    found = [os.path.normpath(os.path.join(b, name)) for b in bases]
    for path in found:
        if os.path.exists(os.path.join(root, path)):
            return path
    # Not there (the self-test's scratch tree): a name with a directory that
    # is a layer is taken under shim/, a relative one from the file.
    if name.startswith('..') and quote == '"':
        return found[0]
    if '/' in name and name.split('/')[0] in MAY_INCLUDE:
        return os.path.normpath(os.path.join('shim', name))
    return None


def line_of(text, pos):
    return text.count('\n', 0, pos) + 1


def check_file(root, rel, text, exports):
    fails = []
    layer = rel.split(os.sep)[1] if rel.count(os.sep) >= 2 else None
    if os.path.basename(rel) != 'shim.h' and LIBSSL_HEADERS.search(text):
        fails.append('%s includes a libssl header directly' % rel)
    if rel.endswith('.c'):
        first = re.search(r'^#\s*include\s*(\S+)', text, re.M)
        if not first or first.group(1) != '"shim.h"':
            fails.append('%s: first include must be "shim.h"' % rel)
    if layer is None:
        return fails
    for m in ANY_INCLUDE.finditer(text):
        target = resolve_include(root, rel, m.group(1), m.group(2))
        if target is None:
            continue
        parts = target.split(os.sep)
        if parts[0] == 'include' and parts[-1] in LIBSSL_HEADER_NAMES:
            fails.append('%s:%d: includes a libssl header directly (%s)'
                         % (rel, line_of(text, m.start()), m.group(2)))
        elif parts[0] != 'shim' or len(parts) < 2:
            fails.append('%s:%d: includes %s, outside the library (%s)'
                         % (rel, line_of(text, m.start()), m.group(2), target))
        elif len(parts) > 2 and parts[1] not in MAY_INCLUDE.get(layer, set()):
            fails.append('%s:%d: layer %s includes from %s/ (an upward include: %s)'
                         % (rel, line_of(text, m.start()), layer, parts[1], m.group(2)))
    code = strip_comments_and_strings(text)
    if layer != 'crypto':
        for m in CRYPTO_CALL.finditer(code):
            if m.group(1) not in CRYPTO_CALLS_ALLOWED:
                fails.append('%s:%d: %s is called outside shim/crypto'
                             % (rel, line_of(code, m.start()), m.group(1)))
    if layer in ('tls', 'crypto', 'util'):
        for m in ANY_CALL.finditer(code):
            if m.group(1) in exports:
                fails.append('%s:%d: the engine calls the exported %s'
                             % (rel, line_of(code, m.start()), exports[m.group(1)]))
    return fails


def check_tree(root, exports):
    fails, count = [], 0
    for dirpath, _, files in os.walk(os.path.join(root, 'shim')):
        for f in sorted(files):
            if not f.endswith(('.c', '.h')):
                continue
            path = os.path.join(dirpath, f)
            with open(path) as fh:
                text = fh.read()
            count += f.endswith('.c')
            fails += check_file(root, os.path.relpath(path, root), text, exports)
    return count, fails


OUR_HEADERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'include',
                           'openssl')
MACRO = re.compile(r'^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)\(([^)]*)\)(.*)$', re.M)


def read_exports(path):
    """What the engine must not call: name -> how to say it.  The exported
    functions, and the function-like macros of our public headers that
    expand to one (SSL_set_mode is SSL_ctrl, SSL_get_app_data is
    SSL_get_ex_data), followed through macros that use other macros."""
    with open(path) as fh:
        names = {l.strip(): l.strip() for l in fh if l.strip() and not l.startswith('#')}
    bodies = {}
    for f in sorted(os.listdir(OUR_HEADERS)):
        with open(os.path.join(OUR_HEADERS, f)) as fh:
            text = re.sub(r'\\\n', ' ', fh.read())
        for m in MACRO.finditer(text):
            bodies[m.group(1)] = m.group(3)
    grew = True
    while grew:
        grew = False
        for macro, body in bodies.items():
            if macro in names:
                continue
            for called in ANY_CALL.findall(body):
                if called in names:
                    names[macro] = '%s through the macro %s' % (names[called].split(' ')[0], macro)
                    grew = True
                    break
    return names


# One planted violation per rule: (file, text, what the report must say).
PLANTED = [
    ('shim/tls/a.c', '#include "shim.h"\n#include "api/config.h"\n', 'upward include'),
    ('shim/crypto/b.c', '#include "shim.h"\n#include "tls/conn.h"\n', 'upward include'),
    ('shim/tls/c.c', '#include "shim.h"\nvoid f(void) { SSL_SESSION_free(0); }\n',
     'exported SSL_SESSION_free'),
    ('shim/crypto/d.c', '#include "shim.h"\nvoid f(void) { SSL_CTX_new(0); }\n',
     'exported SSL_CTX_new'),
    # An exported function reached through a public macro is called all the same.
    ('shim/tls/m.c', '#include "shim.h"\nvoid f(SSL *s) { SSL_set_mode(s, 1); }\n',
     'exported SSL_ctrl through the macro SSL_set_mode'),
    ('shim/crypto/n.c', '#include "shim.h"\nvoid *f(SSL *s) { return SSL_get_app_data(s); }\n',
     'exported SSL_get_ex_data through the macro SSL_get_app_data'),
    ('shim/tls/e.c', '#include "shim.h"\nvoid f(void) { EVP_MD_CTX_new(); }\n',
     'EVP_MD_CTX_new is called outside'),
    ('shim/api/f.c', '#include "shim.h"\nvoid f(void) { X509_STORE_CTX_new(); }\n',
     'X509_STORE_CTX_new is called outside'),
    ('shim/api/g.c', '#include <openssl/ssl.h>\n', 'first include'),
    # Spellings that name an upper layer without starting with its name.
    ('shim/tls/h.c', '#include "shim.h"\n#include "../api/config.h"\n', 'upward include'),
    ('shim/tls/i.c', '#include "shim.h"\n#include "tls/../api/config.h"\n', 'upward include'),
    ('shim/tls/j.c', '#include "shim.h"\n#include <api/config.h>\n', 'upward include'),
    ('shim/crypto/k.c', '#include "shim.h"\n#include "../tls/conn.h"\n', 'upward include'),
    ('shim/tls/l.c', '#include "shim.h"\n#include "../../include/openssl/ssl.h"\n',
     'libssl header directly'),
]
# And what must not be reported: comments, strings, allowed calls.
CLEAN = ('shim/tls/ok.c', '#include "shim.h"\n#include "crypto/hash.h"\n'
         '#include "objects.h"\n#include "util/counter.h"\n#include "../crypto/aead.h"\n'
         '#include <openssl/evp.h>\n#include <string.h>\n'
         '/* SSL_CTX_new(x) and EVP_Digest(y) in a comment */\n'
         'static const char *s = "SSL_free(z)";\n'
         'void f(EVP_PKEY *k) { EVP_PKEY_free(k); EVP_PKEY_up_ref(k); }\n')


def self_test(exports):
    tmp = tempfile.mkdtemp()
    try:
        for rel, text, _ in PLANTED + [CLEAN + ('',)]:
            os.makedirs(os.path.join(tmp, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), 'w') as fh:
                fh.write(text)
        _, fails = check_tree(tmp, exports)
    finally:
        shutil.rmtree(tmp)
    bad = 0
    for rel, _, expect in PLANTED:
        if not any(f.startswith(rel) and expect in f for f in fails):
            print('FAIL: planted violation not reported: %s (%s)' % (rel, expect))
            bad += 1
    for f in fails:
        if f.startswith(CLEAN[0]):
            print('FAIL: clean code reported: ' + f)
            bad += 1
    print('%d planted violations, %d reports' % (len(PLANTED), len(fails)))
    return bad == 0


def main():
    if sys.argv[1] == '--self-test':
        sys.exit(0 if self_test(read_exports(sys.argv[2])) else 1)
    count, fails = check_tree(sys.argv[1], read_exports(sys.argv[2]))
    print('%d library sources checked' % count)
    for x in fails:
        print('FAIL: ' + x)
    sys.exit(1 if fails else 0)


if __name__ == '__main__':
    main()
