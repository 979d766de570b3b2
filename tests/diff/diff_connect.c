/*
 * shimssl differential test: a TLS client against a real server.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Connects to 127.0.0.1:PORT with the options given, and prints what the
 * ABI lets an application see: return values, SSL_get_error, the error
 * queue's library and reason codes, the verify result, the negotiated
 * version, cipher, group, ALPN and peer certificate, resumption, and the
 * application data echoed back.  run_diff.sh runs it on stock libssl and on
 * ours against the same server; the outputs must be equal.
 *
 * usage: diff_connect PORT [option...]
 *   ca=FILE host=NAME sni=NAME verify=none|peer min=1.2|1.3 max=1.2|1.3
 *   suites=STR ciphers=STR groups=STR alpn=a,b cert=FILE key=FILE
 *   io=block|nonblock|biopair:N  request=STR  resume=1|2 (2: a third connection offers the
 *   first session again)  cache=client (SSL_SESS_CACHE_CLIENT; the cache's size is shown after
 *   each connection)  rounds=N (N more connections, each resuming the one before)
 *   keyupdate=1  trace=1  noreneg=1
 *   clientreneg=1  pha=1  export=LABEL  reasonless=LIB (print that library's errors without reason)
 *   readmore=1 (after the echo, one more SSL_read)
 *   shutdown=1  mode=partial  sigpipe  status=1|reject (OCSP stapling, the callback's answer)
 *   mfl=1..4 (max_fragment_length 512..4096; the echo's record count is shown)
 *   engine_cert=FILE engine_key=FILE (the client certificate comes from an ENGINE)
 *   client_sigalgs=STR (what we may sign a CertificateVerify with)
 *   npn=a,b (next protocol negotiation: what we would take)
 *   certtypes=1 (SSL_get0_certificate_types and SSL_get0_ec_point_formats after the handshake)
 *   sncb=ok|noack|warning|fatal (a servername callback on the context, and its answer)
 *   extdebug=1 (SSL_set_tlsext_debug_callback: the server's extensions, as s_client -tlsextdebug)
 *   bio=connect|buffer  the whole connection through BIO_new_ssl_connect or
 *                       BIO_new_buffer_ssl_connect instead of SSL_* calls
 */
#include "diff_common.h"

#include <openssl/engine.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *opt(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 2; i < argc; i++)
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    return NULL;
}

static int version_of(const char *v)
{
    if (v == NULL)
        return 0;
    if (strcmp(v, "1.3") == 0)
        return TLS1_3_VERSION;
    if (strcmp(v, "1.2") == 0)
        return TLS1_2_VERSION;
    if (strcmp(v, "1.1") == 0)
        return TLS1_1_VERSION;
    return TLS1_VERSION;
}

static int tcp_connect(int port)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        printf("tcp connect failed\n");
        exit(2);
    }
    return fd;
}

/* BIO-pair mode: the SSL talks to one end of a pair with a tiny buffer; we
 * shuttle bytes between the other end and the socket ourselves. */
struct pump {
    BIO *net; /* our end of the pair */
    int fd;
};

static void pump_once(struct pump *p, int wait_ms)
{
    char buf[4096];
    size_t pending = BIO_ctrl_pending(p->net);
    while (pending > 0) {
        int n = BIO_read(p->net, buf, pending < sizeof(buf) ? (int)pending : (int)sizeof(buf));
        if (n <= 0)
            break;
        for (int off = 0; off < n;) {
            ssize_t w = write(p->fd, buf + off, (size_t)(n - off));
            if (w <= 0)
                return;
            off += (int)w;
        }
        pending = BIO_ctrl_pending(p->net);
    }
    size_t room = BIO_ctrl_get_write_guarantee(p->net);
    if (room > 0) {
        struct pollfd pfd = {p->fd, POLLIN, 0};
        if (poll(&pfd, 1, wait_ms) > 0) {
            ssize_t r = read(p->fd, buf, room < sizeof(buf) ? room : sizeof(buf));
            if (r > 0)
                BIO_write(p->net, buf, (int)r);
            else if (r == 0)
                BIO_shutdown_wr(p->net);
        }
    }
}

/* Runs op until it completes, servicing WANT_READ / WANT_WRITE as the
 * chosen I/O mode requires.  Reports whether a retry was ever seen. */
static int drive(SSL *s, int (*op)(SSL *, void *), void *arg, const char *io, struct pump *p,
                 int *saw_retry)
{
    for (int rounds = 0; rounds < 100000; rounds++) {
        int r = op(s, arg), e;
        if (r > 0)
            return r;
        e = SSL_get_error(s, r);
        if (e == SSL_ERROR_WANT_X509_LOOKUP) {
            /* A certificate callback asked to be called again: so we do. */
            printf("%s: want x509 lookup (ret %d)\n", "retry", r);
            continue;
        }
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return r;
        *saw_retry = 1;
        if (strncmp(io, "biopair", 7) == 0) {
            /* Wait for the network only when the SSL needs input: while it
             * is still writing, the peer may have nothing to say yet. */
            pump_once(p, e == SSL_ERROR_WANT_READ ? 1000 : 0);
        } else {
            struct pollfd pfd = {SSL_get_fd(s), e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, 0};
            poll(&pfd, 1, 5000);
        }
    }
    return -1;
}

static int op_connect(SSL *s, void *arg)
{
    (void)arg;
    return SSL_connect(s);
}

struct rw {
    char *buf;
    int len;
};

static int op_write(SSL *s, void *arg)
{
    struct rw *w = arg;
    return SSL_write(s, w->buf, w->len);
}

static int op_read(SSL *s, void *arg)
{
    struct rw *w = arg;
    return SSL_read(s, w->buf, w->len);
}

static int op_handshake(SSL *s, void *arg)
{
    (void)arg;
    return SSL_do_handshake(s);
}

static int op_shutdown(SSL *s, void *arg)
{
    int r = SSL_shutdown(s);
    (void)arg;
    /* A 0 means our close_notify is out: go on to wait for the peer's. */
    return r == 0 ? SSL_shutdown(s) : r;
}

static void report(const char *what, SSL *s, int r)
{
    printf("%s: ret %d, SSL_get_error %d\n", what, r, SSL_get_error(s, r));
    diff_print_errors(what);
}

static void describe(SSL *s)
{
    const SSL_CIPHER *c = SSL_get_current_cipher(s);
    const unsigned char *alpn;
    unsigned int alpn_len;
    X509 *peer = SSL_get1_peer_certificate(s);
    EVP_PKEY *tmp = NULL;
    int nid;
    char subject[256] = "-";

    printf("version %s (0x%x), cipher %s, reused %d\n", SSL_get_version(s), SSL_version(s),
           c != NULL ? SSL_CIPHER_get_name(c) : "-", SSL_session_reused(s));
    SSL_get0_alpn_selected(s, &alpn, &alpn_len);
    printf("alpn %.*s\n", (int)alpn_len, alpn_len ? (const char *)alpn : "");
    if (peer != NULL)
        X509_NAME_oneline(X509_get_subject_name(peer), subject, sizeof(subject));
    printf("peer %s, chain %d, verified chain %d\n", subject,
           SSL_get_peer_cert_chain(s) ? sk_X509_num(SSL_get_peer_cert_chain(s)) : -1,
           SSL_get0_verified_chain(s) ? sk_X509_num(SSL_get0_verified_chain(s)) : -1);
    X509_free(peer);
    if (SSL_get_peer_tmp_key(s, &tmp)) {
        printf("peer tmp key %s %d bits\n", EVP_PKEY_get0_type_name(tmp), EVP_PKEY_get_bits(tmp));
        EVP_PKEY_free(tmp);
    }
    if (SSL_get_peer_signature_type_nid(s, &nid))
        printf("peer signature type %s\n", OBJ_nid2sn(nid));
    if (SSL_get_peer_signature_nid(s, &nid))
        printf("peer signature hash %s\n", OBJ_nid2sn(nid));
    if (SSL_get_signature_type_nid(s, &nid))
        printf("our signature type %s\n", OBJ_nid2sn(nid));
    if (SSL_get_signature_nid(s, &nid))
        printf("our signature hash %s\n", OBJ_nid2sn(nid));
    printf("negotiated group %s\n", OBJ_nid2sn(SSL_get_negotiated_group(s)));
    printf("verify result %ld (%s)\n", SSL_get_verify_result(s),
           X509_verify_cert_error_string(SSL_get_verify_result(s)));
    printf("state %s, init finished %d\n", SSL_state_string_long(s), SSL_is_init_finished(s));
}

/* engine_cert= / engine_key=: a client certificate from an ENGINE, as
 * SSL_CTX_set_client_cert_engine lets applications supply one. */
static X509 *engine_x509;
static EVP_PKEY *engine_pkey;

static int engine_client_cert(ENGINE *e, SSL *ssl, STACK_OF(X509_NAME) * ca_dn, X509 **pcert,
                              EVP_PKEY **pkey, STACK_OF(X509) * *pother, UI_METHOD *ui_method,
                              void *callback_data)
{
    (void)e, (void)pother, (void)ui_method, (void)callback_data;
    unsigned char rsig = 0, rhash = 0;
    int shared = SSL_get_shared_sigalgs(ssl, 0, NULL, NULL, NULL, &rsig, &rhash);

    printf("engine asked for a client certificate (%d CA names, %d sigalgs, %d shared, "
           "first 0x%02x%02x)\n",
           ca_dn != NULL ? sk_X509_NAME_num(ca_dn) : -1,
           SSL_get_sigalgs(ssl, -1, NULL, NULL, NULL, NULL, NULL), shared, rhash, rsig);
    X509_up_ref(engine_x509);
    EVP_PKEY_up_ref(engine_pkey);
    *pcert = engine_x509;
    *pkey = engine_pkey;
    return 1;
}

static void set_client_cert_engine(SSL_CTX *ctx, const char *cert, const char *key)
{
    ENGINE *bare = ENGINE_new(), *e = ENGINE_new();
    BIO *in;

    printf("no engine -> %d\n", SSL_CTX_set_client_cert_engine(ctx, NULL));
    diff_print_errors("  ");
    ENGINE_set_id(bare, "shimssl-test-bare");
    ENGINE_set_name(bare, "an engine without client certificates");
    printf("engine without the function -> %d\n", SSL_CTX_set_client_cert_engine(ctx, bare));
    diff_print_errors("  ");
    ENGINE_set_id(e, "shimssl-test-client-cert");
    ENGINE_set_name(e, "an engine with a client certificate");
    ENGINE_set_load_ssl_client_cert_function(e, engine_client_cert);
    in = BIO_new_file(cert, "r");
    engine_x509 = PEM_read_bio_X509(in, NULL, NULL, NULL);
    BIO_free(in);
    in = BIO_new_file(key, "r");
    engine_pkey = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
    BIO_free(in);
    printf("engine -> %d\n", SSL_CTX_set_client_cert_engine(ctx, e));
    diff_print_errors("  ");
    ENGINE_free(bare);
    ENGINE_free(e); /* the context keeps its own reference */
}

/* npn=a,b: the protocols we would take, in wire form; the callback shows
 * what the server offered and picks as SSL_select_next_proto does. */
static unsigned char npn_wire[256];
static unsigned int npn_wire_len;

static int npn_select(SSL *s, unsigned char **out, unsigned char *outlen, const unsigned char *in,
                      unsigned int inlen, void *arg)
{
    int r;
    (void)s, (void)arg;
    printf("npn: server offers %u bytes:", inlen);
    for (unsigned int i = 0; i < inlen; i += 1 + in[i])
        printf(" %.*s", in[i], (const char *)in + i + 1);
    r = SSL_select_next_proto(out, outlen, in, inlen, npn_wire, npn_wire_len);
    printf("; select_next_proto %d -> %.*s\n", r, (int)*outlen, (const char *)*out);
    return SSL_TLSEXT_ERR_OK;
}

/* status=: what the status callback sees, decoded by libcrypto. */
static int status_cb(SSL *s, void *arg)
{
    const unsigned char *p = NULL;
    long len = SSL_get_tlsext_status_ocsp_resp(s, &p);
    OCSP_RESPONSE *resp = len > 0 ? d2i_OCSP_RESPONSE(NULL, &p, len) : NULL;
    OCSP_BASICRESP *basic = resp != NULL ? OCSP_response_get1_basic(resp) : NULL;
    OCSP_SINGLERESP *single = basic != NULL ? OCSP_resp_get0(basic, 0) : NULL;

    printf("status callback: response %ld bytes, peer %s, ocsp status %d, cert status %d\n", len,
           SSL_get0_peer_certificate(s) != NULL ? "known" : "unknown",
           resp != NULL ? OCSP_response_status(resp) : -1,
           single != NULL ? OCSP_single_get0_status(single, NULL, NULL, NULL, NULL) : -1);
    OCSP_BASICRESP_free(basic);
    OCSP_RESPONSE_free(resp);
    return strcmp((const char *)arg, "reject") == 0 ? 0 : 1;
}

/* certcb=N / clientcertcb=N: a certificate callback that asks to be called
 * again N times, then supplies the certificate and key named by
 * cbcert= / cbkey= (stock resumes the handshake at the same callback). */
static int cb_retries;
static const char *cb_cert, *cb_key;

static int cert_cb(SSL *s, void *arg)
{
    static int calls;
    (void)arg;
    printf("cert_cb call %d\n", ++calls);
    if (calls <= cb_retries)
        return -1;
    if (cb_cert != NULL)
        printf("cert_cb loads: %d %d\n", SSL_use_certificate_file(s, cb_cert, SSL_FILETYPE_PEM),
               SSL_use_PrivateKey_file(s, cb_key, SSL_FILETYPE_PEM));
    return 1;
}

static int client_cert_cb(SSL *s, X509 **x509, EVP_PKEY **pkey)
{
    static int calls;
    BIO *b;
    (void)s;
    printf("client_cert_cb call %d\n", ++calls);
    if (calls <= cb_retries)
        return -1;
    if (cb_cert == NULL)
        return 0;
    b = BIO_new_file(cb_cert, "r");
    *x509 = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    b = BIO_new_file(cb_key, "r");
    *pkey = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    return 1;
}

/* sncb=: the servername callback, which stock calls on a client too, once
 * the server's extensions are in (s_client prints from it). */
static int servername_cb(SSL *s, int *alert, void *arg)
{
    const char *answer = arg;
    const char *name = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);

    printf("servername callback: name %s, type %d, alert %d\n", name != NULL ? name : "-",
           SSL_get_servername_type(s), *alert);
    if (strcmp(answer, "fatal") == 0) {
        *alert = SSL_AD_ACCESS_DENIED;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    if (strcmp(answer, "warning") == 0)
        return SSL_TLSEXT_ERR_ALERT_WARNING;
    return strcmp(answer, "noack") == 0 ? SSL_TLSEXT_ERR_NOACK : SSL_TLSEXT_ERR_OK;
}

/* extdebug=1: every extension of the server's messages, as it arrives. */
static void ext_debug_cb(SSL *s, int client_server, int type, const unsigned char *data, int len,
                         void *arg)
{
    (void)s, (void)data;
    printf("  extension from %s: type %d, %d bytes, arg %s\n", client_server ? "server" : "client",
           type, len, (const char *)arg);
}

/* trace=1: the info, message and key-log callbacks, as stock calls them.
 * Only what is the same on every run is printed (no key material). */
static void info_cb(const SSL *s, int where, int ret)
{
    printf("  info where 0x%04x ret %d state %s\n", where, ret, SSL_state_string_long(s));
}

static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len, SSL *s,
                   void *arg)
{
    const unsigned char *p = buf;
    (void)s;
    (void)arg;
    /* ECDSA signatures vary in length from run to run: messages that carry
     * one (ServerKeyExchange, CertificateVerify) have their length hidden. */
    if (content_type == SSL3_RT_HANDSHAKE && len > 0 &&
        (p[0] == SSL3_MT_SERVER_KEY_EXCHANGE || p[0] == SSL3_MT_CERTIFICATE_VERIFY))
        printf("  msg %s version 0x%04x type %d len ~ first %d\n", write_p ? "out" : "in", version,
               content_type, p[0]);
    else
        printf("  msg %s version 0x%04x type %d len %zu first %d\n", write_p ? "out" : "in",
               version, content_type, len, len > 0 ? p[0] : -1);
}

static void keylog_cb(const SSL *s, const char *line)
{
    (void)s;
    printf("  keylog %.*s\n", (int)strcspn(line, " "), line);
}

static SSL_SESSION *one_connection(SSL_CTX *ctx, int argc, char **argv, SSL_SESSION *resume)
{
    const char *io = opt(argc, argv, "io") ? opt(argc, argv, "io") : "block";
    const char *host = opt(argc, argv, "host"), *sni = opt(argc, argv, "sni");
    const char *req = opt(argc, argv, "request");
    int fd = tcp_connect(atoi(argv[1])), r, saw_retry = 0;
    SSL *s = SSL_new(ctx);
    struct pump p = {NULL, fd};
    SSL_SESSION *sess = NULL;

    if (sni != NULL || host != NULL)
        SSL_set_tlsext_host_name(s, (char *)(sni != NULL ? sni : host));
    if (host != NULL)
        SSL_set1_host(s, host);
    if (resume != NULL)
        printf("set_session: %d\n", SSL_set_session(s, resume));
    if (opt(argc, argv, "extdebug")) {
        SSL_set_tlsext_debug_callback(s, ext_debug_cb);
        SSL_set_tlsext_debug_arg(s, "given");
    }
    if (strncmp(io, "biopair", 7) == 0) {
        BIO *ours;
        size_t size = io[7] == ':' ? (size_t)atoi(io + 8) : 17000;
        BIO_new_bio_pair(&ours, size, &p.net, size);
        SSL_set_bio(s, ours, ours);
    } else {
        if (strcmp(io, "nonblock") == 0)
            fcntl(fd, F_SETFL, O_NONBLOCK);
        SSL_set_fd(s, fd);
    }
    if (opt(argc, argv, "pha")) {
        /* A client may not ask for post-handshake authentication. */
        printf("verify_client_post_handshake before: %d\n", SSL_verify_client_post_handshake(s));
        diff_print_errors("  ");
    }
    r = drive(s, op_connect, NULL, io, &p, &saw_retry);
    report("connect", s, r);
    describe(s);
    if (opt(argc, argv, "npn")) {
        const unsigned char *proto;
        unsigned int len;
        SSL_get0_next_proto_negotiated(s, &proto, &len);
        printf("npn negotiated %s %.*s\n", proto != NULL ? "yes" : "no", (int)len,
               proto != NULL ? (const char *)proto : "");
    }
    if (opt(argc, argv, "certtypes")) {
        /* What s_client prints as "Client Certificate Types" (TLS 1.2),
         * and the server's point formats. */
        const unsigned char *types = NULL, *formats = NULL;
        long n = SSL_get0_certificate_types(s, &types);
        printf("certificate types: %ld:", n);
        for (long i = 0; i < n && types != NULL; i++)
            printf(" %d", types[i]);
        printf("\n");
        n = SSL_get0_ec_point_formats(s, &formats);
        printf("ec point formats: %ld:", n);
        for (long i = 0; i < n && formats != NULL; i++)
            printf(" %d", formats[i]);
        printf("\n");
    }
    if (opt(argc, argv, "mfl") && SSL_get_session(s) != NULL)
        printf("session max fragment length %u\n",
               SSL_SESSION_get_max_fragment_length(SSL_get_session(s)));
    if (opt(argc, argv, "pha")) {
        printf("verify_client_post_handshake after: %d\n", SSL_verify_client_post_handshake(s));
        diff_print_errors("  ");
    }
    if (r == 1 && opt(argc, argv, "export")) {
        const char *label = opt(argc, argv, "export");
        unsigned char km[32];
        int e = SSL_export_keying_material(s, km, sizeof(km), label, strlen(label), NULL, 0, 0);
        printf("exported %d: ", e);
        for (size_t i = 0; e == 1 && i < sizeof(km); i++)
            printf("%02X", km[i]);
        printf("\n");
    }
    if (r == 1 && opt(argc, argv, "clientreneg")) {
        printf("renegotiate: %d, pending %d\n", SSL_renegotiate(s), SSL_renegotiate_pending(s));
        r = drive(s, op_handshake, NULL, io, &p, &saw_retry);
        report("renegotiation", s, r);
        printf("pending %d, renegotiations %ld, total %ld, secure %ld\n",
               SSL_renegotiate_pending(s), SSL_num_renegotiations(s), SSL_total_renegotiations(s),
               SSL_get_secure_renegotiation_support(s));
        describe(s);
    }
    if (r == 1 && req != NULL) {
        char buf[16384];
        struct rw w = {(char *)req, (int)strlen(req)};
        size_t total = 0;
        if (opt(argc, argv, "keyupdate"))
            printf("key_update: %d\n", SSL_key_update(s, SSL_KEY_UPDATE_REQUESTED));
        r = drive(s, op_write, &w, io, &p, &saw_retry);
        report("write", s, r);
        /* The echo server sends the request back. */
        int reads = 0;
        while (total < strlen(req)) {
            w.buf = buf;
            w.len = sizeof(buf);
            r = drive(s, op_read, &w, io, &p, &saw_retry);
            if (r <= 0)
                break;
            total += (size_t)r;
            reads++;
        }
        printf("read back %zu bytes\n", total);
        /* An SSL_read returns one record at most: with a maximum fragment
         * length, the count shows the records were that small. */
        if (opt(argc, argv, "mfl"))
            printf("in %d reads\n", reads);
        if (r <= 0)
            report("read", s, r);
        if (r > 0 && opt(argc, argv, "readmore")) {
            /* One read more: what the end of the stream looks like. */
            w.buf = buf;
            w.len = sizeof(buf);
            report("read more", s, drive(s, op_read, &w, io, &p, &saw_retry));
            printf("shutdown state %d\n", SSL_get_shutdown(s));
        }
    }
    if (opt(argc, argv, "shutdown")) {
        r = drive(s, op_shutdown, NULL, io, &p, &saw_retry);
        report("shutdown", s, r);
        printf("shutdown state %d\n", SSL_get_shutdown(s));
    }
    /* Over a socket, whether a retry happens depends on timing; over a
     * BIO pair it is certain. */
    printf("io %s: retries seen %s\n", io,
           strncmp(io, "biopair", 7) != 0 ? "n/a" : (saw_retry ? "yes" : "no"));
    sess = SSL_get1_session(s);
    if (opt(argc, argv, "cache"))
        printf("client cache holds %ld sessions\n", SSL_CTX_sess_number(ctx));
    SSL_free(s);
    BIO_free(p.net);
    close(fd);
    return sess;
}

/* bio=connect|buffer: what an application built on the SSL BIOs sees, from
 * the connect BIO's own TCP connection to BIO_ssl_shutdown. */
static void bio_connection(SSL_CTX *ctx, int argc, char **argv)
{
    const char *host = opt(argc, argv, "host"), *req = opt(argc, argv, "request");
    int buffered = strcmp(opt(argc, argv, "bio"), "buffer") == 0;
    BIO *b = buffered ? BIO_new_buffer_ssl_connect(ctx) : BIO_new_ssl_connect(ctx);
    SSL *s = NULL;
    char target[64], buf[4096];
    long r;

    printf("bio: %s, get_ssl %ld\n", b != NULL ? "made" : "NULL", BIO_get_ssl(b, &s));
    if (b == NULL || s == NULL)
        return;
    if (host != NULL) {
        SSL_set_tlsext_host_name(s, (char *)host);
        SSL_set1_host(s, host);
    }
    snprintf(target, sizeof(target), "127.0.0.1:%s", argv[1]);
    printf("set_conn_hostname: %ld\n", BIO_set_conn_hostname(b, target));
    r = BIO_do_handshake(b);
    printf("do_handshake: %ld, retry %d\n", r, BIO_should_retry(b));
    diff_print_errors("handshake");
    describe(s);
    if (r == 1 && req != NULL) {
        size_t total = 0;
        int n = BIO_write(b, req, (int)strlen(req));
        printf("write: %d, flush %d\n", n, BIO_flush(b));
        while (total < strlen(req) && (n = BIO_read(b, buf, sizeof(buf))) > 0)
            total += (size_t)n;
        printf("read back %zu bytes, pending %ld\n", total, (long)BIO_pending(b));
        diff_print_errors("data");
    }
    if (r == 1) {
        BIO_ssl_shutdown(b);
        printf("ssl_shutdown: shutdown state %d\n", SSL_get_shutdown(s));
        diff_print_errors("shutdown");
    }
    BIO_free_all(b);
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    const char *v;
    SSL_SESSION *sess;

    if (argc < 2) {
        fprintf(stderr, "usage: diff_connect PORT [option...]\n");
        return 2;
    }
    if (!opt(argc, argv, "sigpipe"))
        signal(SIGPIPE, SIG_IGN);
    diff_report_lib();
    if ((v = opt(argc, argv, "reasonless")) != NULL)
        diff_reasonless_lib = atoi(v);
    ctx = SSL_CTX_new(TLS_client_method());
    if ((v = opt(argc, argv, "ca")) != NULL)
        printf("load ca: %d\n", SSL_CTX_load_verify_locations(ctx, v, NULL));
    SSL_CTX_set_verify(
        ctx,
        strcmp(opt(argc, argv, "verify") ? opt(argc, argv, "verify") : "peer", "none") == 0
            ? SSL_VERIFY_NONE
            : SSL_VERIFY_PEER,
        NULL);
    if ((v = opt(argc, argv, "min")) != NULL)
        printf("min: %ld\n", SSL_CTX_set_min_proto_version(ctx, version_of(v)));
    if ((v = opt(argc, argv, "max")) != NULL)
        printf("max: %ld\n", SSL_CTX_set_max_proto_version(ctx, version_of(v)));
    if ((v = opt(argc, argv, "suites")) != NULL)
        printf("ciphersuites: %d\n", SSL_CTX_set_ciphersuites(ctx, v));
    if ((v = opt(argc, argv, "ciphers")) != NULL)
        printf("cipher list: %d\n", SSL_CTX_set_cipher_list(ctx, v));
    if ((v = opt(argc, argv, "groups")) != NULL)
        printf("groups: %ld\n", SSL_CTX_set1_groups_list(ctx, v));
    if ((v = opt(argc, argv, "alpn")) != NULL) {
        unsigned char wire[256];
        size_t n = 0;
        char *copy = strdup(v), *tok, *save = NULL;
        for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            wire[n++] = (unsigned char)strlen(tok);
            memcpy(wire + n, tok, strlen(tok));
            n += strlen(tok);
        }
        free(copy);
        printf("alpn: %d\n", SSL_CTX_set_alpn_protos(ctx, wire, (unsigned int)n));
    }
    if ((v = opt(argc, argv, "cert")) != NULL)
        printf("cert: %d\n", SSL_CTX_use_certificate_file(ctx, v, SSL_FILETYPE_PEM));
    if ((v = opt(argc, argv, "key")) != NULL)
        printf("key: %d\n", SSL_CTX_use_PrivateKey_file(ctx, v, SSL_FILETYPE_PEM));
    if ((v = opt(argc, argv, "status")) != NULL) {
        /* status=1 asks for a stapled OCSP response; status=reject also
         * refuses it from the callback. */
        SSL_CTX_set_tlsext_status_type(ctx, TLSEXT_STATUSTYPE_ocsp);
        SSL_CTX_set_tlsext_status_cb(ctx, status_cb);
        SSL_CTX_set_tlsext_status_arg(ctx, (void *)v);
        printf("status type %ld\n", (long)SSL_CTX_get_tlsext_status_type(ctx));
    }
    if ((v = opt(argc, argv, "npn")) != NULL) {
        char *copy = strdup(v);
        for (char *tok = strtok(copy, ","); tok != NULL; tok = strtok(NULL, ",")) {
            npn_wire[npn_wire_len++] = (unsigned char)strlen(tok);
            memcpy(npn_wire + npn_wire_len, tok, strlen(tok));
            npn_wire_len += (unsigned int)strlen(tok);
        }
        free(copy);
        SSL_CTX_set_next_proto_select_cb(ctx, npn_select, NULL);
    }
    if ((v = opt(argc, argv, "client_sigalgs")) != NULL)
        printf("client sigalgs %s: %ld\n", v, (long)SSL_CTX_set1_client_sigalgs_list(ctx, v));
    if ((v = opt(argc, argv, "engine_cert")) != NULL)
        set_client_cert_engine(ctx, v, opt(argc, argv, "engine_key"));
    if ((v = opt(argc, argv, "mfl")) != NULL)
        printf("max fragment length mode %s: %d\n", v,
               SSL_CTX_set_tlsext_max_fragment_length(ctx, (uint8_t)atoi(v)));
    cb_cert = opt(argc, argv, "cbcert");
    cb_key = opt(argc, argv, "cbkey");
    if ((v = opt(argc, argv, "certcb")) != NULL) {
        cb_retries = atoi(v);
        SSL_CTX_set_cert_cb(ctx, cert_cb, NULL);
    }
    if ((v = opt(argc, argv, "clientcertcb")) != NULL) {
        cb_retries = atoi(v);
        SSL_CTX_set_client_cert_cb(ctx, client_cert_cb);
    }
    if ((v = opt(argc, argv, "sncb")) != NULL) {
        SSL_CTX_set_tlsext_servername_callback(ctx, servername_cb);
        SSL_CTX_set_tlsext_servername_arg(ctx, (void *)v);
    }
    if (opt(argc, argv, "pha"))
        SSL_CTX_set_post_handshake_auth(ctx, 1);
    if (opt(argc, argv, "noreneg"))
        SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
    if (opt(argc, argv, "trace")) {
        SSL_CTX_set_info_callback(ctx, info_cb);
        SSL_CTX_set_msg_callback(ctx, msg_cb);
        SSL_CTX_set_keylog_callback(ctx, keylog_cb);
    }
    if (opt(argc, argv, "cache") && strcmp(opt(argc, argv, "cache"), "client") == 0)
        printf("session cache mode %ld\n",
               SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT));
    if (opt(argc, argv, "mode") && strcmp(opt(argc, argv, "mode"), "partial") == 0)
        SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
    diff_print_errors("setup");

    if (opt(argc, argv, "bio") != NULL) {
        bio_connection(ctx, argc, argv);
        SSL_CTX_free(ctx);
        return 0;
    }
    sess = one_connection(ctx, argc, argv, NULL);
    if (opt(argc, argv, "resume")) {
        printf("-- second connection, resuming: session resumable %d\n",
               sess != NULL && SSL_SESSION_is_resumable(sess));
        SSL_SESSION *again = one_connection(ctx, argc, argv, sess);
        SSL_SESSION_free(again);
    }
    if (opt(argc, argv, "resume") && strcmp(opt(argc, argv, "resume"), "2") == 0) {
        /* The same session offered once more: whether a session that has
         * been resumed stays resumable (with the client cache on, stock
         * uses a TLS 1.3 session once). */
        printf("-- third connection, the first session again: resumable %d\n",
               sess != NULL && SSL_SESSION_is_resumable(sess));
        SSL_SESSION *again = one_connection(ctx, argc, argv, sess);
        SSL_SESSION_free(again);
    }
    if ((v = opt(argc, argv, "rounds")) != NULL) {
        /* Resuming again and again, as a client that keeps its latest
         * session does (stunnel): how many sessions the cache holds. */
        for (int i = 0, n = atoi(v); i < n; i++) {
            printf("-- round %d: resumable %d\n", i + 1,
                   sess != NULL && SSL_SESSION_is_resumable(sess));
            SSL_SESSION *next = one_connection(ctx, argc, argv, sess);
            SSL_SESSION_free(sess);
            sess = next;
        }
    }
    SSL_SESSION_free(sess);
    SSL_CTX_free(ctx);
    return 0;
}
