/*
 * shimssl - the pair helper (see pair.h).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#define _GNU_SOURCE
#include "pair.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>

/* Enough rounds for a handshake through one-byte buffers (each round moves
 * at least one byte or the drive stops as stalled). */
#define PAIR_MAX_ROUNDS 400000

static int side_index = -1;

/* ---- the fixture ---- */

#define PAIR_KEEP_MAX 64

SSL_CTX *cctx, *sctx;
static struct pair *kept_pairs[PAIR_KEEP_MAX];
static SSL_SESSION *kept_sessions[PAIR_KEEP_MAX];
static SSL_CTX *kept_ctxs[PAIR_KEEP_MAX];
static int n_kept_pairs, n_kept_sessions, n_kept_ctxs;

struct pair *pair_keep(struct pair *p)
{
    ck_assert_int_lt(n_kept_pairs, PAIR_KEEP_MAX);
    kept_pairs[n_kept_pairs++] = p;
    return p;
}

SSL_SESSION *pair_keep_session(SSL_SESSION *sess)
{
    ck_assert_int_lt(n_kept_sessions, PAIR_KEEP_MAX);
    kept_sessions[n_kept_sessions++] = sess;
    return sess;
}

SSL_CTX *pair_keep_ctx(SSL_CTX *ctx)
{
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_lt(n_kept_ctxs, PAIR_KEEP_MAX);
    kept_ctxs[n_kept_ctxs++] = ctx;
    return ctx;
}

static void fixture_setup(void)
{
    n_kept_pairs = n_kept_sessions = n_kept_ctxs = 0;
    cctx = pair_keep_ctx(pair_client_ctx());
    sctx = pair_keep_ctx(pair_server_ctx("server-ec"));
}

static void fixture_teardown(void)
{
    for (int i = 0; i < n_kept_pairs; i++)
        pair_free(kept_pairs[i]);
    for (int i = 0; i < n_kept_sessions; i++)
        SSL_SESSION_free(kept_sessions[i]);
    for (int i = 0; i < n_kept_ctxs; i++)
        SSL_CTX_free(kept_ctxs[i]);
    n_kept_pairs = n_kept_sessions = n_kept_ctxs = 0;
    cctx = sctx = NULL;
    ERR_clear_error();
}

TCase *pair_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
    return tc;
}

#ifdef PAIR_STOCK
static const int stock_build = 1;
#else
static const int stock_build = 0;
#endif

void pair_add_pending(TCase *tc, const TTest *test, int start, int end, const char *why)
{
    if (!stock_build && getenv("PAIR_PENDING") == NULL) {
        fprintf(stderr, "pending, not run: %s (%s)\n", test->name, why);
        return;
    }
    tcase_add_loop_test(tc, test, start, end);
}

/* ---- the PKI ---- */

const char *pair_file(const char *name)
{
    static char bufs[8][4096];
    static int next;
    const char *dir = getenv("SHIM_PKI");
    char *b = bufs[next++ % 8];
    ck_assert_msg(dir != NULL, "SHIM_PKI is not set");
    snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
    return b;
}

X509 *pair_cert(const char *name)
{
    char file[512];
    snprintf(file, sizeof(file), "%s.pem", name);
    FILE *f = fopen(pair_file(file), "r");
    ck_assert_msg(f != NULL, "cannot open %s", pair_file(file));
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    ck_assert_msg(x != NULL, "no certificate in %s", file);
    return x;
}

EVP_PKEY *pair_key(const char *name)
{
    char file[512];
    snprintf(file, sizeof(file), "%s.key", name);
    FILE *f = fopen(pair_file(file), "r");
    ck_assert_msg(f != NULL, "cannot open %s", pair_file(file));
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    ck_assert_msg(k != NULL, "no key in %s", file);
    return k;
}

unsigned char *pair_read_file(const char *name, size_t *len)
{
    FILE *f = fopen(pair_file(name), "rb");
    ck_assert_msg(f != NULL, "cannot open %s", pair_file(name));
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (r == 0)
            break;
        n += r;
    }
    fclose(f);
    *len = n;
    return buf;
}

void pair_ctx_use(SSL_CTX *ctx, const char *name)
{
    char file[512];
    snprintf(file, sizeof(file), "%s.pem", name);
    ck_assert_int_eq(SSL_CTX_use_certificate_file(ctx, pair_file(file), SSL_FILETYPE_PEM), 1);
    snprintf(file, sizeof(file), "%s.key", name);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(ctx, pair_file(file), SSL_FILETYPE_PEM), 1);
}

SSL_CTX *pair_server_ctx(const char *name)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    ck_assert_ptr_nonnull(ctx);
    if (name != NULL)
        pair_ctx_use(ctx, name);
    return ctx;
}

SSL_CTX *pair_client_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(SSL_CTX_load_verify_locations(ctx, pair_file("ca.pem"), NULL), 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

void pair_ctx_version(SSL_CTX *ctx, int version)
{
    ck_assert_int_eq(SSL_CTX_set_min_proto_version(ctx, version), 1);
    ck_assert_int_eq(SSL_CTX_set_max_proto_version(ctx, version), 1);
}

const char *pair_cn(X509 *x)
{
    static char buf[256];
    buf[0] = '\0';
    if (x != NULL)
        X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf, sizeof(buf));
    return buf;
}

/* ---- recording callbacks ---- */

struct pair_side *pair_side_of(const SSL *s)
{
    if (side_index < 0 || s == NULL)
        return NULL;
    return SSL_get_ex_data(s, side_index);
}

static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    char *out = NULL;
    va_start(ap, fmt);
    if (vasprintf(&out, fmt, ap) < 0)
        out = NULL;
    va_end(ap);
    ck_assert_ptr_nonnull(out);
    return out;
}

static void add_line(char ***lines, int *n, char *line)
{
    *lines = realloc(*lines, sizeof(**lines) * (size_t)(*n + 1));
    ck_assert_ptr_nonnull(*lines);
    (*lines)[(*n)++] = line;
}

static void info_cb(const SSL *s, int where, int ret)
{
    struct pair_side *side = pair_side_of(s);
    if (side == NULL)
        return;
    if (where & SSL_CB_ALERT) {
        if (where & SSL_CB_WRITE)
            side->alert_sent = ret;
        else
            side->alert_received = ret;
    }
    add_line(&side->info, &side->n_info,
             dup_printf("where 0x%04x ret %d: %s", where, ret, SSL_state_string_long(s)));
}

static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len, SSL *s,
                   void *arg)
{
    (void)arg;
    struct pair_side *side = pair_side_of(s);
    if (side == NULL)
        return;
    side->msgs = realloc(side->msgs, sizeof(*side->msgs) * (size_t)(side->n_msgs + 1));
    ck_assert_ptr_nonnull(side->msgs);
    struct pair_msg *m = &side->msgs[side->n_msgs++];
    m->write = write_p;
    m->version = version;
    m->content_type = content_type;
    m->len = len;
    m->data = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(m->data);
    if (len)
        memcpy(m->data, buf, len);
}

static void keylog_cb(const SSL *s, const char *line)
{
    struct pair_side *side = pair_side_of(s);
    if (side == NULL)
        return;
    add_line(&side->keylog, &side->n_keylog, dup_printf("%s", line));
}

static void forget_records(struct pair_side *side)
{
    for (int i = 0; i < side->n_info; i++)
        free(side->info[i]);
    free(side->info);
    side->info = NULL;
    side->n_info = 0;
    for (int i = 0; i < side->n_msgs; i++)
        free(side->msgs[i].data);
    free(side->msgs);
    side->msgs = NULL;
    side->n_msgs = 0;
    for (int i = 0; i < side->n_keylog; i++)
        free(side->keylog[i]);
    free(side->keylog);
    side->keylog = NULL;
    side->n_keylog = 0;
}

void pair_forget(struct pair_side *side)
{
    forget_records(side);
}

/* ---- making pairs ---- */

static void init_side(struct pair *p, struct pair_side *side, SSL *ssl, const char *name)
{
    if (side_index < 0)
        side_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    ck_assert_int_ge(side_index, 0);
    side->ssl = ssl;
    side->name = name;
    side->pair = p;
    side->alert_sent = side->alert_received = -1;
    ck_assert_int_eq(SSL_set_ex_data(ssl, side_index, side), 1);
    SSL_set_info_callback(ssl, info_cb);
    SSL_set_msg_callback(ssl, msg_cb);
    SSL_CTX_set_keylog_callback(SSL_get_SSL_CTX(ssl), keylog_cb);
}

static struct pair *alloc_pair(SSL *client, SSL *server)
{
    struct pair *p = calloc(1, sizeof(*p));
    ck_assert_ptr_nonnull(p);
    p->fds[0] = p->fds[1] = -1;
    init_side(p, &p->c, client, "client");
    init_side(p, &p->s, server, "server");
    p->client_call = SSL_do_handshake;
    p->server_call = SSL_do_handshake;
    return p;
}

static void make_bio_pair(BIO **a, BIO **b, size_t bufsize)
{
    ck_assert_int_eq(BIO_new_bio_pair(a, bufsize, b, bufsize), 1);
}

struct pair *pair_wrap(SSL *client, SSL *server, size_t bufsize)
{
    struct pair *p = alloc_pair(client, server);
    make_bio_pair(&p->cbio, &p->sbio, bufsize);
    /* One reference per direction: SSL_set_bio takes both. */
    BIO_up_ref(p->cbio);
    BIO_up_ref(p->sbio);
    SSL_set_bio(client, p->cbio, p->cbio);
    SSL_set_bio(server, p->sbio, p->sbio);
    return p;
}

static void new_ssls(SSL_CTX *client_ctx, SSL_CTX *server_ctx, SSL **c, SSL **s)
{
    *c = SSL_new(client_ctx);
    *s = SSL_new(server_ctx);
    ck_assert_ptr_nonnull(*c);
    ck_assert_ptr_nonnull(*s);
    SSL_set_connect_state(*c);
    SSL_set_accept_state(*s);
    ck_assert_int_eq(SSL_set1_host(*c, "localhost"), 1);
}

struct pair *pair_new(SSL_CTX *client_ctx, SSL_CTX *server_ctx, size_t bufsize)
{
    SSL *c, *s;
    new_ssls(client_ctx, server_ctx, &c, &s);
    return pair_wrap(c, s, bufsize);
}

struct pair *pair_new_socket(SSL_CTX *client_ctx, SSL_CTX *server_ctx, int nonblocking)
{
    SSL *c, *s;
    int fds[2];
    new_ssls(client_ctx, server_ctx, &c, &s);
    struct pair *p = alloc_pair(c, s);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    p->fds[0] = fds[0];
    p->fds[1] = fds[1];
    for (int i = 0; i < 2; i++) {
        if (nonblocking) {
            ck_assert_int_eq(fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK), 0);
        } else {
            struct timeval tv = {10, 0};
            setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            setsockopt(fds[i], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        }
    }
    ck_assert_int_eq(SSL_set_fd(c, fds[0]), 1);
    ck_assert_int_eq(SSL_set_fd(s, fds[1]), 1);
    p->cbio = SSL_get_rbio(c);
    p->sbio = SSL_get_rbio(s);
    BIO_up_ref(p->cbio);
    BIO_up_ref(p->sbio);
    return p;
}

struct pair *pair_new_relay(SSL_CTX *client_ctx, SSL_CTX *server_ctx, size_t bufsize,
                            pair_filter_fn filter, void *arg)
{
    SSL *c, *s;
    new_ssls(client_ctx, server_ctx, &c, &s);
    struct pair *p = alloc_pair(c, s);
    make_bio_pair(&p->cbio, &p->mc, bufsize);
    make_bio_pair(&p->sbio, &p->ms, bufsize);
    BIO_up_ref(p->cbio);
    BIO_up_ref(p->sbio);
    SSL_set_bio(c, p->cbio, p->cbio);
    SSL_set_bio(s, p->sbio, p->sbio);
    p->filter = filter;
    p->filter_arg = arg;
    return p;
}

static void free_side(struct pair_side *side)
{
    SSL_free(side->ssl);
    forget_records(side);
    free(side->tx);
    free(side->rx);
}

/* PAIR_DUMP=1 in the environment: every pair's records on stderr when it
 * is freed (to see what a side did while writing a test). */
static void dump_records(const struct pair_side *side)
{
    for (int i = 0; i < side->n_info; i++)
        fprintf(stderr, "%s info %2d %s\n", side->name, i, side->info[i]);
    for (int i = 0; i < side->n_msgs; i++) {
        const struct pair_msg *m = &side->msgs[i];
        fprintf(stderr, "%s msg %2d %s type %d len %zu first %d\n", side->name, i,
                m->write ? "write" : "read ", m->content_type, m->len, m->len ? m->data[0] : -1);
    }
    for (int i = 0; i < side->n_keylog; i++)
        fprintf(stderr, "%s keylog %.40s\n", side->name, side->keylog[i]);
}

void pair_free(struct pair *p)
{
    if (p == NULL)
        return;
    if (getenv("PAIR_DUMP") != NULL) {
        dump_records(&p->c);
        dump_records(&p->s);
    }
    free_side(&p->c);
    free_side(&p->s);
    BIO_free(p->cbio);
    BIO_free(p->sbio);
    BIO_free(p->mc);
    BIO_free(p->ms);
    free(p->relay_buf[0]);
    free(p->relay_buf[1]);
    for (int i = 0; i < 2; i++)
        if (p->fds[i] >= 0)
            close(p->fds[i]);
    free(p);
}

struct pair_side *pair_peer(struct pair_side *side)
{
    return side == &side->pair->c ? &side->pair->s : &side->pair->c;
}

/* ---- errors ---- */

static void take_errors(struct pair_side *side)
{
    unsigned long e;
    while ((e = ERR_get_error()) != 0)
        if (side->n_errs < PAIR_MAX_ERRS)
            side->errs[side->n_errs++] = e;
}

int pair_reason(const struct pair_side *side)
{
    for (int i = 0; i < side->n_errs; i++)
        if (ERR_GET_LIB(side->errs[i]) == ERR_LIB_SSL)
            return ERR_GET_REASON(side->errs[i]);
    return 0;
}

int pair_has_error(const struct pair_side *side, int lib, int reason)
{
    for (int i = 0; i < side->n_errs; i++)
        if (ERR_GET_LIB(side->errs[i]) == lib && ERR_GET_REASON(side->errs[i]) == reason)
            return 1;
    return 0;
}

void pair_clear_errors(struct pair_side *side)
{
    side->n_errs = 0;
}

/* ---- driving ---- */

static uint64_t moved(const struct pair *p)
{
    uint64_t n = 0;
    const BIO *bios[4] = {p->cbio, p->sbio, p->mc, p->ms};
    for (int i = 0; i < 4; i++)
        if (bios[i] != NULL)
            n += BIO_number_read((BIO *)bios[i]) + BIO_number_written((BIO *)bios[i]);
    return n;
}

/* One direction of the relay: whole records from one middle end, through
 * the filter, into the other. */
static void relay_dir(struct pair *p, int from_client)
{
    BIO *in = from_client ? p->mc : p->ms;
    BIO *out = from_client ? p->ms : p->mc;
    unsigned char **buf = &p->relay_buf[from_client];
    size_t *len = &p->relay_len[from_client];
    unsigned char tmp[4096];
    int r;
    while ((r = BIO_read(in, tmp, sizeof(tmp))) > 0) {
        *buf = realloc(*buf, *len + (size_t)r);
        ck_assert_ptr_nonnull(*buf);
        memcpy(*buf + *len, tmp, (size_t)r);
        *len += (size_t)r;
    }
    for (;;) {
        if (*len < 5)
            return;
        size_t rec_len = 5 + ((size_t)(*buf)[3] << 8 | (*buf)[4]);
        if (*len < rec_len)
            return;
        unsigned char *rec = malloc(rec_len);
        ck_assert_ptr_nonnull(rec);
        memcpy(rec, *buf, rec_len);
        size_t out_len =
            p->filter != NULL ? p->filter(p, from_client, &rec, rec_len, p->filter_arg) : rec_len;
        /* The far end is drained by its SSL; records are small enough for
         * the buffers the relay tests use, so a short write is a test bug. */
        if (out_len > 0)
            ck_assert_int_eq(BIO_write(out, rec, (int)out_len), (int)out_len);
        free(rec);
        memmove(*buf, *buf + rec_len, *len - rec_len);
        *len -= rec_len;
    }
}

static void relay(struct pair *p)
{
    if (p->mc == NULL)
        return;
    relay_dir(p, 1);
    relay_dir(p, 0);
}

static int fatal(int err)
{
    return err == SSL_ERROR_SSL || err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN;
}

/* One handshake call on a side: 1 finished, 0 wants I/O, -1 failed,
 * -2 a callback asked to be called again. */
static int step(struct pair_side *side, int (*call)(SSL *))
{
    ERR_clear_error();
    int ret = call(side->ssl);
    int err = SSL_get_error(side->ssl, ret);
    side->calls++;
    side->ret = ret;
    side->err = err;
    if (err >= 0 && err < 32)
        side->seen |= 1u << err;
    take_errors(side);
    if (ret == 1) {
        side->done = 1;
        return 1;
    }
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        return 0;
    if (fatal(err)) {
        side->failed = 1;
        return -1;
    }
    return -2;
}

int pair_handshake(struct pair *p)
{
    p->stalled = 0;
    for (int round = 0; round < PAIR_MAX_ROUNDS; round++) {
        uint64_t before = moved(p);
        int changed = 0;
        struct pair_side *sides[2] = {&p->c, &p->s};
        for (int i = 0; i < 2; i++) {
            struct pair_side *side = sides[i];
            if (side->failed)
                continue;
            if (side->done) {
                /* Finished first (a TLS 1.3 client): it reads on, as a real
                 * peer would, so what follows (tickets) is taken out of the
                 * buffers and the other side is not stuck writing them. */
                if (!side->read_closed && !pair_peer(side)->done) {
                    int before_closed = side->read_closed;
                    pair_read_once(side);
                    changed |= side->read_closed != before_closed;
                    relay(p);
                }
                continue;
            }
            int r = step(side, i == 0 ? p->client_call : p->server_call);
            if (r == -2)
                return 0;
            if (r != 0)
                changed = 1;
            relay(p);
        }
        if (p->c.done && p->s.done)
            return 1;
        if ((p->c.done || p->c.failed) && (p->s.done || p->s.failed))
            return 0;
        if (!changed && moved(p) == before) {
            p->stalled = 1;
            return 0;
        }
    }
    p->stalled = 1;
    return 0;
}

/* Blocking calls until the side finishes or fails; a "want" on a blocking
 * socket means it timed out, which ends the side too.  A side that stops
 * without finishing shuts its socket, so the peer is not left waiting. */
static void run_blocking(struct pair_side *side, int (*call)(SSL *), int fd)
{
    while (!side->done && step(side, call) == 0 && side->err != SSL_ERROR_WANT_READ &&
           side->err != SSL_ERROR_WANT_WRITE)
        ;
    if (!side->done)
        shutdown(fd, SHUT_RDWR);
}

static void *server_thread(void *arg)
{
    struct pair *p = arg;
    run_blocking(&p->s, p->server_call, p->fds[1]);
    return NULL;
}

int pair_handshake_blocking(struct pair *p)
{
    pthread_t t;
    ck_assert_int_ge(p->fds[0], 0);
    ck_assert_int_eq(pthread_create(&t, NULL, server_thread, p), 0);
    run_blocking(&p->c, p->client_call, p->fds[0]);
    pthread_join(t, NULL);
    return p->c.done && p->s.done;
}

static void dump_side(const struct pair_side *side)
{
    fprintf(stderr, "%s: done %d failed %d ret %d err %d calls %d alert sent 0x%x received 0x%x\n",
            side->name, side->done, side->failed, side->ret, side->err, side->calls,
            side->alert_sent, side->alert_received);
    for (int i = 0; i < side->n_errs; i++) {
        char buf[256];
        ERR_error_string_n(side->errs[i], buf, sizeof(buf));
        fprintf(stderr, "  %s\n", buf);
    }
}

void pair_connect(struct pair *p)
{
    int r = pair_handshake(p);
    if (r != 1) {
        dump_side(&p->c);
        dump_side(&p->s);
    }
    ck_assert_msg(r == 1, "handshake did not complete (stalled %d)", p->stalled);
}

static void rx_append(struct pair_side *side, const unsigned char *buf, size_t len)
{
    if (side->rx_len + len > side->rx_cap) {
        side->rx_cap = (side->rx_len + len) * 2;
        side->rx = realloc(side->rx, side->rx_cap);
        ck_assert_ptr_nonnull(side->rx);
    }
    memcpy(side->rx + side->rx_len, buf, len);
    side->rx_len += len;
}

int pair_read_once(struct pair_side *side)
{
    unsigned char buf[16384];
    ERR_clear_error();
    int r = SSL_read(side->ssl, buf, sizeof(buf));
    side->read_ret = r;
    side->read_err = SSL_get_error(side->ssl, r);
    take_errors(side);
    if (r > 0) {
        rx_append(side, buf, (size_t)r);
        side->reads++;
    } else if (side->read_err != SSL_ERROR_WANT_READ && side->read_err != SSL_ERROR_WANT_WRITE) {
        side->read_closed = 1;
    }
    return r;
}

static int write_some(struct pair_side *side)
{
    if (side->tx_off >= side->tx_len)
        return 0;
    ERR_clear_error();
    int r = SSL_write(side->ssl, side->tx + side->tx_off, (int)(side->tx_len - side->tx_off));
    side->write_ret = r;
    side->write_err = SSL_get_error(side->ssl, r);
    take_errors(side);
    if (r > 0) {
        side->tx_off += (size_t)r;
        return 1;
    }
    if (fatal(side->write_err)) {
        side->tx_off = side->tx_len; /* nothing more will go */
        return 1;
    }
    return 0;
}

void pair_pump(struct pair *p)
{
    p->stalled = 0;
    for (int round = 0; round < PAIR_MAX_ROUNDS; round++) {
        uint64_t before = moved(p);
        size_t rx_before = p->c.rx_len + p->s.rx_len;
        int changed = 0;
        struct pair_side *sides[2] = {&p->c, &p->s};
        for (int i = 0; i < 2; i++) {
            changed |= write_some(sides[i]);
            relay(p);
            if (!sides[i]->read_closed) {
                pair_read_once(sides[i]);
                changed |= sides[i]->read_closed;
            }
            relay(p);
        }
        if (!changed && moved(p) == before && p->c.rx_len + p->s.rx_len == rx_before)
            return;
    }
    p->stalled = 1;
}

int pair_send(struct pair *p, struct pair_side *from, const void *buf, size_t len)
{
    struct pair_side *to = pair_peer(from);
    size_t start = to->rx_len;
    ck_assert_msg(from->tx_off == from->tx_len, "a write is still pending");
    free(from->tx);
    from->tx = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(from->tx);
    memcpy(from->tx, buf, len);
    from->tx_len = len;
    from->tx_off = 0;
    pair_pump(p);
    return to->rx_len - start == len && memcmp(to->rx + start, buf, len) == 0;
}

int pair_shutdown(struct pair_side *side, int *err)
{
    ERR_clear_error();
    int r = SSL_shutdown(side->ssl);
    if (err != NULL)
        *err = SSL_get_error(side->ssl, r);
    take_errors(side);
    relay(side->pair);
    return r;
}

/* ---- looking at the records ---- */

int pair_info_find(const struct pair_side *side, const char *text, int from)
{
    for (int i = from < 0 ? 0 : from; i < side->n_info; i++)
        if (strstr(side->info[i], text) != NULL)
            return i;
    return -1;
}

void pair_info_in_order(const struct pair_side *side, ...)
{
    va_list ap;
    int at = 0;
    const char *text;
    va_start(ap, side);
    while ((text = va_arg(ap, const char *)) != NULL) {
        int i = pair_info_find(side, text, at);
        if (i < 0) {
            fprintf(stderr, "%s info lines:\n", side->name);
            for (int j = 0; j < side->n_info; j++)
                fprintf(stderr, "  %2d %s%s\n", j, side->info[j], j == at ? "   <- from here" : "");
        }
        ck_assert_msg(i >= 0, "%s: no info line with \"%s\" at or after line %d", side->name, text,
                      at);
        at = i + 1;
    }
    va_end(ap);
}

static int is_hs(const struct pair_msg *m, int write, int type)
{
    return m->content_type == SSL3_RT_HANDSHAKE && m->write == write && m->len >= 4 &&
           (type < 0 || m->data[0] == type);
}

int pair_hs_count(const struct pair_side *side, int write, int type)
{
    int n = 0;
    for (int i = 0; i < side->n_msgs; i++)
        n += is_hs(&side->msgs[i], write, type);
    return n;
}

const struct pair_msg *pair_hs_msg(const struct pair_side *side, int write, int type, int n)
{
    for (int i = 0; i < side->n_msgs; i++)
        if (is_hs(&side->msgs[i], write, type) && n-- == 0)
            return &side->msgs[i];
    return NULL;
}

int pair_records(const struct pair_side *side, int write, int content_type, int *lens, int max)
{
    int n = 0;
    for (int i = 0; i < side->n_msgs; i++) {
        const struct pair_msg *m = &side->msgs[i];
        if (m->content_type != SSL3_RT_HEADER || m->write != write || m->len < 5)
            continue;
        if (m->data[0] != content_type)
            continue;
        if (lens != NULL && n < max)
            lens[n] = m->data[3] << 8 | m->data[4];
        n++;
    }
    return n;
}

int pair_wrote_ccs(const struct pair_side *side)
{
    return pair_records(side, 1, SSL3_RT_CHANGE_CIPHER_SPEC, NULL, 0) > 0;
}

/* Where a handshake message's extension block starts (after the 4-byte
 * header), by message type; 0 when the type has none handled here. */
static size_t ext_start(const unsigned char *d, size_t len, int hs_type)
{
    size_t at = 4;
    switch (hs_type) {
    case SSL3_MT_CLIENT_HELLO:
        at += 2 + 32; /* legacy_version, random */
        if (at + 1 > len)
            return 0;
        at += 1 + d[at]; /* session id */
        if (at + 2 > len)
            return 0;
        at += 2 + ((size_t)d[at] << 8 | d[at + 1]); /* cipher suites */
        if (at + 1 > len)
            return 0;
        at += 1 + d[at]; /* compression methods */
        return at;
    case SSL3_MT_SERVER_HELLO:
        at += 2 + 32;
        if (at + 1 > len)
            return 0;
        at += 1 + d[at] + 2 + 1; /* session id, suite, compression */
        return at;
    case SSL3_MT_ENCRYPTED_EXTENSIONS:
        return at;
    case SSL3_MT_CERTIFICATE_REQUEST:
        if (at + 1 > len)
            return 0;
        return at + 1 + d[at]; /* certificate_request_context */
    case SSL3_MT_NEWSESSION_TICKET:
        at += 4 + 4; /* lifetime, age add */
        if (at + 1 > len)
            return 0;
        at += 1 + d[at]; /* nonce */
        if (at + 2 > len)
            return 0;
        return at + 2 + ((size_t)d[at] << 8 | d[at + 1]); /* ticket */
    default:
        return 0;
    }
}

int pair_msg_ext(const struct pair_msg *m, int hs_type, unsigned type, const unsigned char **body,
                 size_t *body_len)
{
    if (m == NULL)
        return 0;
    const unsigned char *d = m->data;
    size_t len = m->len, at = ext_start(d, len, hs_type);
    if (at == 0 || at + 2 > len)
        return 0;
    size_t end = at + 2 + ((size_t)d[at] << 8 | d[at + 1]);
    if (end > len)
        return 0;
    at += 2;
    while (at + 4 <= end) {
        unsigned t = (unsigned)d[at] << 8 | d[at + 1];
        size_t l = (size_t)d[at + 2] << 8 | d[at + 3];
        if (at + 4 + l > end)
            return 0;
        if (t == type) {
            if (body != NULL)
                *body = d + at + 4;
            if (body_len != NULL)
                *body_len = l;
            return 1;
        }
        at += 4 + l;
    }
    return 0;
}

const char *pair_keylog(const struct pair_side *side, const char *label)
{
    size_t n = strlen(label);
    for (int i = 0; i < side->n_keylog; i++)
        if (strncmp(side->keylog[i], label, n) == 0 && side->keylog[i][n] == ' ')
            return side->keylog[i];
    return NULL;
}

const char *pair_cipher(SSL *s)
{
    const SSL_CIPHER *c = SSL_get_current_cipher(s);
    return c != NULL ? SSL_CIPHER_get_name(c) : "";
}

char *pair_hex(const unsigned char *p, size_t len)
{
    char *out = malloc(len * 2 + 1);
    ck_assert_ptr_nonnull(out);
    for (size_t i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
    out[len * 2] = '\0';
    return out;
}
