"""How the tracer prints each C type of the libssl ABI.

A "decoder" is a short string naming how a value is printed (see
gen_wrappers.py for the code each one becomes).  Rules go by type; the
functions whose arguments mean more than their type says are listed in
trace_overrides.py.  A type no rule knows stops the build: a new export with
a new kind of argument cannot slip in untraced.
"""
import re

SIGNED = {'int', 'long', 'const int', 'off_t', 'ssize_t', 'OSSL_HANDSHAKE_STATE',
          'SSL_TICKET_STATUS', 'SSL_TICKET_RETURN'}
UNSIGNED = {'unsigned int', 'unsigned long', 'size_t', 'uint8_t', 'uint16_t', 'uint32_t',
            'uint64_t', 'unsigned char'}

OBJECTS = {
    'SSL *': 'ssl', 'const SSL *': 'ssl', 'struct ssl_st *': 'ssl',
    'SSL_CTX *': 'ctx', 'const SSL_CTX *': 'ctx', 'struct ssl_ctx_st *': 'ctx',
    'SSL_SESSION *': 'sess', 'const SSL_SESSION *': 'sess',
    'BIO *': 'bio',
    'SSL_CONF_CTX *': 'conf',
}

# Pointers through which a function hands back one value.
OUT_NUMBERS = {'int *': 'out:int', 'long *': 'out:int', 'unsigned int *': 'out:uint',
               'size_t *': 'out:uint', 'uint8_t *': 'out:uint', 'unsigned char *': None}
OUT_OBJECTS = {'SSL_SESSION **': 'out:obj:sess', 'X509 **': 'out:x509',
               'EVP_PKEY **': 'out:opaque:EVP_PKEY',
               'STACK_OF(SSL_CIPHER) **': 'out:stack', 'void **': 'out:ptr', 'int **': 'out:ptr',
               'char ***': 'out:ptr'}

# Functions whose returned object is new (a fresh id even at a reused address).
CREATOR = re.compile(r'(_new(_ex)?$|_new_|_dup$|^d2i_|^PEM_read_)')

METHOD_MAKER = re.compile(r'^(TLS|DTLS|SSLv|TLSv|DTLSv)\w*_method$')

FUNCTION_POINTER = re.compile(r'\(\*\)|_cb$|_cb_ex$|_fn$|_func$|_CB$')


def is_function_pointer(ctype):
    return bool(FUNCTION_POINTER.search(ctype))


def _is_number(ctype):
    return ctype in SIGNED or ctype in UNSIGNED


def number(ctype):
    return 'int' if ctype in SIGNED else 'uint'


def _opaque(ctype):
    """'X509_STORE *' -> 'opaque:X509_STORE'; None if not a plain pointer."""
    m = re.match(r'^(?:const\s+)?(?:struct\s+)?([A-Za-z_]\w*(?:\(\w+\))?)\s*\*$', ctype)
    return 'opaque:' + re.sub(r'\W', '_', m.group(1)).strip('_') if m else None


def param_decoder(fname, params, i):
    """(before, after) decoders for parameter i of fname; after may be None."""
    t = params[i].strip()
    nxt = params[i + 1].strip() if i + 1 < len(params) else None
    if _is_number(t):
        return number(t), None
    if t in OBJECTS:
        return 'obj:' + OBJECTS[t], None
    if t == 'const SSL_CIPHER *':
        return 'cipher', None
    if t == 'const SSL_METHOD *':
        return 'method', None
    if t == 'const char *':
        return 'str', None
    if t in ('X509 *', 'const X509 *'):
        return 'x509', None
    if t == 'X509_STORE_CTX *':
        return 'storectx', None
    if t.startswith(('STACK_OF(', 'const STACK_OF(')) and t.endswith(') *'):
        return 'stack', None
    if t in ('const unsigned char *', 'const void *') and nxt is not None and _is_number(nxt):
        return 'buf:%d' % (i + 1), None
    if t == 'const unsigned char **' and nxt in ('size_t *', 'unsigned int *'):
        return 'out', 'out:rbuf:%d' % (i + 1)
    if t in OUT_NUMBERS and OUT_NUMBERS[t] is not None:
        prev = params[i - 1].strip() if i > 0 else None
        if prev == 'const unsigned char **':
            return 'out', None  # printed with the buffer before it
        return 'out', OUT_NUMBERS[t]
    if t in OUT_OBJECTS:
        return 'out', OUT_OBJECTS[t]
    if t in ('void *', 'const void *', 'char *', 'unsigned char *', 'FILE *'):
        return 'ptr', None
    if is_function_pointer(t):
        return None, None  # the caller looks it up in the callback table
    op = _opaque(t)
    if op:
        return op, None
    raise ValueError('%s: no rule for parameter %d of type %r' % (fname, i + 1, t))


def return_decoder(fname, ret):
    """Decoder for the result of fname (returning type ret)."""
    r = ret.strip()
    if r == 'void':
        return 'none'
    if _is_number(r):
        return number(r)
    if r in OBJECTS:
        return ('newobj:' if CREATOR.search(fname) else 'obj:') + OBJECTS[r]
    if r == 'const SSL_CIPHER *':
        return 'cipher'
    if r == 'const SSL_METHOD *':
        # TLS_client_method() and friends name the method they return;
        # SSL_get_ssl_method() only hands one back.
        return 'newmethod' if METHOD_MAKER.match(fname) else 'method'
    if r in ('const char *', 'char *'):
        return 'str'
    if r in ('X509 *', 'const X509 *'):
        return 'x509'
    if r.startswith(('STACK_OF(', 'const STACK_OF(')) and r.endswith(') *'):
        return 'stack'
    if '(*)' in r or is_function_pointer(r) or r == 'pem_password_cb *':
        return 'fn-unwrap'
    if r in ('void *', 'const unsigned char *', 'const void *'):
        return 'ptr'
    op = _opaque(r)
    if op:
        return op
    raise ValueError('%s: no rule for its return type %r' % (fname, r))
