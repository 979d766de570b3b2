"""C statements for each decoder (see trace_types.py), shared by the wrapper
and the trampoline generators.  Parameters are named a0, a1, ...; the
record is `r` and the result `ret`.
"""

KIND_ENUM = {'ssl': 'TR_SSL', 'ctx': 'TR_CTX', 'sess': 'TR_SESS', 'bio': 'TR_BIO',
             'conf': 'TR_CONF'}


def _split(dec):
    head, _, rest = dec.partition(':')
    return head, rest


def pre(dec, i):
    """Prints argument i before the call (may also replace it: callbacks)."""
    a = 'a%d' % i
    head, rest = _split(dec)
    simple = {
        'int': 'tr_v_int(&r, (long long)%s);',
        'uint': 'tr_v_uint(&r, (unsigned long long)%s);',
        'ptr': 'tr_v_ptr(&r, (const void *)%s);',
        'fn': 'tr_v_fn(&r, (const void *)%s);',
        'str': 'tr_v_str(&r, (const char *)%s);',
        'vint': 'tr_v_vint(&r, (long long)%s);',
        'cipher': 'tr_v_cipher(&r, %s);',
        'method': 'tr_v_method(&r, %s);',
        'x509': 'tr_v_x509(&r, %s);',
        'stack': 'tr_v_stack(&r, %s);',
        'storectx': 'tr_v_storectx(&r, %s);',
        'keylog': 'tr_v_keylog(&r, %s);',
        'secret': 'tr_puts(&r, %s != NULL ? "secret" : "NULL");',
        'out': 'tr_puts(&r, %s != NULL ? "out" : "NULL");',
    }
    if head in simple:
        return simple[head] % a
    if head == 'obj':
        return 'tr_v_obj(&r, %s, %s);' % (KIND_ENUM[rest], a)
    if head == 'opaque':
        return 'tr_v_opaque(&r, "%s", (const void *)%s);' % (rest, a)
    if head == 'flags':
        return 'tr_v_flags(&r, tr_names_%s, (unsigned long long)%s);' % (rest, a)
    if head == 'enum':
        return 'tr_v_enum(&r, tr_names_%s, (long long)%s);' % (rest, a)
    if head == 'strn':
        return 'tr_v_strn(&r, (const char *)%s, (size_t)a%s);' % (a, rest)
    if head in ('buf', 'vbuf'):
        return 'tr_v_%s(&r, %s, a%s > 0 ? (size_t)a%s : 0);' % (head, a, rest, rest)
    if head in ('maxbuf', 'vmaxbuf'):
        n, most = rest.split(':')
        return 'tr_v_%s(&r, %s, a%s > 0 ? (size_t)a%s : 0, %s);' % (head, a, n, n, most)
    if head == 'fixbuf':
        return 'tr_v_buf(&r, %s, %s);' % (a, rest)
    if head == 'd2i':
        return ('tr_v_vbuf(&r, %s != NULL ? *%s : NULL, a%s > 0 ? (size_t)a%s : 0);'
                % (a, a, rest, rest))
    if head == 'msgbuf':
        n, c = rest.split(':')
        return 'tr_v_msgbuf(&r, %s, (size_t)a%s, (int)a%s);' % (a, n, c)
    if head == 'cb':
        return ('%s = (__typeof__(%s))tr_cb_wrap(&tr_kind_%s, (void *)%s); '
                'tr_v_fn(&r, (const void *)%s);' % (a, a, rest, a, a))
    raise ValueError('unknown decoder %r' % dec)


def post(dec, i):
    """Prints what the call wrote through argument i (after the result)."""
    a = 'a%d' % i
    begin = 'tr_out_begin(&r, %d); ' % (i + 1)
    parts = dec.split(':')
    what = parts[1]
    if what in ('int', 'uint', 'ptr', 'x509', 'stack', 'obj', 'opaque'):
        value = {
            'int': 'tr_v_int(&r, (long long)*%s);' % a,
            'uint': 'tr_v_uint(&r, (unsigned long long)*%s);' % a,
            'ptr': 'tr_v_ptr(&r, (const void *)*%s);' % a,
            'x509': 'tr_v_x509(&r, *%s);' % a,
            'stack': 'tr_v_stack(&r, *%s);' % a,
        }.get(what)
        if what == 'obj':
            value = 'tr_v_obj(&r, %s, *%s);' % (KIND_ENUM[parts[2]], a)
        if what == 'opaque':
            value = 'tr_v_opaque(&r, "%s", (const void *)*%s);' % (parts[2], a)
        return 'if (%s != NULL) { %s%s }' % (a, begin, value)
    if what in ('data', 'vdata'):
        fn = 'tr_v_buf' if what == 'data' else 'tr_v_vbuf'
        how, k = parts[2], 'a' + parts[3]
        if how == 'ret':
            n = '(size_t)ret < (size_t)%s ? (size_t)ret : (size_t)%s' % (k, k)
            return 'if (%s != NULL && ret > 0) { %s%s(&r, %s, %s); }' % (a, begin, fn, a, n)
        if how == 'ptr':
            return ('if (%s != NULL && %s != NULL) { %s%s(&r, %s, *%s); }'
                    % (a, k, begin, fn, a, k))
        if how == 'len':
            return 'if (%s != NULL) { %s%s(&r, %s, (size_t)%s); }' % (a, begin, fn, a, k)
    if what in ('rbuf', 'vrbuf'):
        fn = 'tr_v_buf' if what == 'rbuf' else 'tr_v_vbuf'
        if parts[2] == 'ret':
            return 'if (%s != NULL) { %s%s(&r, *%s, (size_t)ret); }' % (a, begin, fn, a)
        k = 'a' + parts[2]
        return ('if (%s != NULL) { %s%s(&r, *%s, %s != NULL ? (size_t)*%s : 0); }'
                % (a, begin, fn, a, k, k))
    raise ValueError('unknown output decoder %r' % dec)


def result(dec, fname):
    """Prints the result as " = value" (and may replace it: getters of
    callbacks give the program its own function back)."""
    head, rest = _split(dec)
    if head == 'none':
        return ''
    eq = 'tr_puts(&r, " = "); '
    simple = {
        'int': 'tr_v_int(&r, (long long)ret);',
        'uint': 'tr_v_uint(&r, (unsigned long long)ret);',
        'ptr': 'tr_v_ptr(&r, (const void *)ret);',
        'str': 'tr_v_str(&r, (const char *)ret);',
        'vint': 'tr_v_vint(&r, (long long)ret);',
        'cipher': 'tr_v_cipher(&r, ret);',
        'method': 'tr_v_method(&r, ret);',
        'x509': 'tr_v_x509(&r, ret);',
        'stack': 'tr_v_stack(&r, ret);',
        'secret': 'tr_puts(&r, ret != NULL ? "secret" : "NULL");',
    }
    if head in simple:
        return eq + simple[head]
    if head in ('obj', 'newobj'):
        return eq + 'tr_v_%s(&r, %s, ret);' % (head, KIND_ENUM[rest])
    if head == 'newmethod':
        return eq + 'tr_v_newmethod(&r, ret, "%s");' % fname
    if head == 'opaque':
        return eq + 'tr_v_opaque(&r, "%s", (const void *)ret);' % rest
    if head == 'flags':
        return eq + 'tr_v_flags(&r, tr_names_%s, (unsigned long long)ret);' % rest
    if head == 'enum':
        return eq + 'tr_v_enum(&r, tr_names_%s, (long long)ret);' % rest
    if head == 'fn-unwrap':
        return ('ret = (__typeof__(ret))tr_cb_unwrap((void *)ret); ' + eq +
                'tr_v_fn(&r, (const void *)ret);')
    if head in ('retbuf', 'vretbuf'):
        fn = 'tr_v_buf' if head == 'retbuf' else 'tr_v_vbuf'
        k = 'a' + rest
        return eq + '%s(&r, ret, ret != NULL && %s != NULL ? (size_t)*%s : 0);' % (fn, k, k)
    raise ValueError('unknown result decoder %r' % dec)
