/*
 * shimssl pair suite: TLS 1.2 resumption on the server (issue 15).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * By session id (RFC 5246 7.3): the server's session cache with its
 * statistics, mode, size, timeout and the new / get / remove callbacks (an
 * external cache passing sessions through i2d / d2i as nginx's shared cache
 * does), SSL_CTX_remove_session, the session id context (a mismatch is a
 * full handshake; SSL_VERIFY_PEER without one is stock's "session id context
 * uninitialized"); by ticket (RFC 5077): NewSessionTicket before the
 * server's ChangeCipherSpec, the abbreviated handshake without a new ticket,
 * the EVP ticket key callback (use, renew, unknown key), SSL_OP_NO_TICKET.
 */
#include "pair.h"

#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

static const char DATA[] = "resumed in TLS 1.2";

enum { EXT_SESSION_TICKET = 35 };

static struct pair *connect_with(SSL_CTX *server, SSL_SESSION *sess)
{
    struct pair *p = pair_keep(pair_new(cctx, server, 0));
    if (sess != NULL)
        ck_assert_int_eq(SSL_set_session(p->c.ssl, sess), 1);
    pair_connect(p);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_2_VERSION);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
    return p;
}

static SSL_SESSION *session_of(struct pair *p)
{
    SSL_SESSION *sess = SSL_get1_session(p->c.ssl);
    ck_assert_ptr_nonnull(sess);
    return pair_keep_session(sess);
}

/* Client at TLS 1.2; with stateful=1 the server issues no tickets. */
static void setup12(int stateful)
{
    ck_assert_int_eq(SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION), 1);
    if (stateful)
        SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
}

/* An abbreviated handshake: both say reused, no certificate, no key
 * exchange; the server's ChangeCipherSpec and Finished come first. */
static void check_resumed(struct pair *p, int resumed)
{
    ck_assert_int_eq(SSL_session_reused(p->s.ssl), resumed);
    ck_assert_int_eq(SSL_session_reused(p->c.ssl), resumed);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE), !resumed);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_KEY_EXCHANGE), !resumed);
    if (resumed)
        pair_info_in_order(&p->s, "write server hello", "write change cipher spec",
                           "write finished", "read change cipher spec", "read finished", NULL);
}

/* The session id of a hello (same place in ClientHello and ServerHello). */
static size_t hello_id(const struct pair_msg *m, const unsigned char **id)
{
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_ge(m->len, 39);
    *id = m->data + 39;
    return m->data[38];
}

/* ---- by session id ---- */

START_TEST(resume_by_id)
{
    setup12(1);
    struct pair *p1 = connect_with(sctx, NULL);
    SSL_SESSION *sess = session_of(p1);
    unsigned idlen;
    const unsigned char *id = SSL_SESSION_get_id(sess, &idlen);
    ck_assert_uint_eq(idlen, 32);
    ck_assert_int_eq(SSL_SESSION_has_ticket(sess), 0);
    ck_assert(!pair_msg_ext(pair_hs_msg(&p1->s, 1, SSL3_MT_SERVER_HELLO, 0), SSL3_MT_SERVER_HELLO,
                            EXT_SESSION_TICKET, NULL, NULL));
    ck_assert_int_eq(SSL_CTX_sess_number(sctx), 1);

    struct pair *p = connect_with(sctx, sess);
    check_resumed(p, 1);
    /* The ServerHello echoes the id. */
    const unsigned char *sh_id;
    ck_assert_uint_eq(hello_id(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0), &sh_id), 32);
    ck_assert_mem_eq(sh_id, id, 32);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_NEWSESSION_TICKET), 0);
    /* The statistics. */
    ck_assert_int_eq(SSL_CTX_sess_accept(sctx), 2);
    ck_assert_int_eq(SSL_CTX_sess_accept_good(sctx), 2);
    ck_assert_int_eq(SSL_CTX_sess_hits(sctx), 1);
    ck_assert_int_eq(SSL_CTX_sess_misses(sctx), 0);
    ck_assert_int_eq(SSL_CTX_sess_number(sctx), 1);
    ck_assert_str_eq(pair_cipher(p->s.ssl), pair_cipher(p1->s.ssl));
}
END_TEST

/* The cache off on the server: nothing to resume. */
START_TEST(cache_off)
{
    setup12(1);
    SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
    SSL_SESSION *sess = session_of(connect_with(sctx, NULL));
    ck_assert_int_eq(SSL_CTX_sess_number(sctx), 0);
    struct pair *p = connect_with(sctx, sess);
    check_resumed(p, 0);
}
END_TEST

/* An id the server does not know: a full handshake with a new id. */
START_TEST(unknown_id)
{
    setup12(1);
    SSL_SESSION *sess = session_of(connect_with(sctx, NULL));
    SSL_CTX *other = pair_keep_ctx(pair_server_ctx("server-ec"));
    SSL_CTX_set_options(other, SSL_OP_NO_TICKET);
    struct pair *p = connect_with(other, sess);
    check_resumed(p, 0);
    ck_assert_int_eq(SSL_CTX_sess_misses(other), 1);
    const unsigned char *sh_id;
    unsigned idlen;
    const unsigned char *id = SSL_SESSION_get_id(sess, &idlen);
    ck_assert_uint_eq(hello_id(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0), &sh_id), 32);
    ck_assert(memcmp(sh_id, id, 32) != 0);
}
END_TEST

/* ---- the application's session-id generator ---- */

/* Ids of 16 bytes: "gen-" then the count so far (or, with fixed_id, always
 * the same), as a generator checking SSL_has_matching_session_id would. */
static int generated, gen_fail, gen_len = 16, fixed_id;

static int gen_id(SSL *s, unsigned char *id, unsigned int *len)
{
    (void)s;
    generated++;
    if (gen_fail)
        return 0;
    ck_assert_uint_eq(*len, 32); /* the most an id may take */
    memset(id, 0, *len);
    snprintf((char *)id, 17, "gen-%012d", fixed_id ? 0 : generated);
    *len = (unsigned)gen_len;
    return 1;
}

static int gen_other(SSL *s, unsigned char *id, unsigned int *len)
{
    (void)s;
    memcpy(id, "the connection's", 16);
    *len = 16;
    return 1;
}

static void gen_reset(void)
{
    generated = gen_fail = fixed_id = 0;
    gen_len = 16;
}

START_TEST(generated_ids)
{
    unsigned idlen;
    const unsigned char *sh_id;

    gen_reset();
    setup12(1);
    ck_assert_int_eq(SSL_CTX_set_generate_session_id(sctx, gen_id), 1);
    struct pair *p1 = connect_with(sctx, NULL);
    SSL_SESSION *sess = session_of(p1);
    const unsigned char *id = SSL_SESSION_get_id(sess, &idlen);
    ck_assert_int_eq(generated, 1);
    ck_assert_uint_eq(idlen, 16);
    ck_assert_mem_eq(id, "gen-000000000001", 16);
    ck_assert_uint_eq(hello_id(pair_hs_msg(&p1->s, 1, SSL3_MT_SERVER_HELLO, 0), &sh_id), 16);
    ck_assert_mem_eq(sh_id, "gen-000000000001", 16);
    ck_assert_int_eq(SSL_has_matching_session_id(p1->s.ssl, id, idlen), 1);
    /* It resumes by that id; a resumption makes none. */
    check_resumed(connect_with(sctx, sess), 1);
    ck_assert_int_eq(generated, 1);
    /* The connection's own generator comes before the context's. */
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(SSL_set_generate_session_id(p->s.ssl, gen_other), 1);
    pair_connect(p);
    ck_assert_uint_eq(hello_id(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0), &sh_id), 16);
    ck_assert_mem_eq(sh_id, "the connection's", 16);
    ck_assert_int_eq(generated, 1);
}
END_TEST

/* The generator fails, gives no id, or one the cache holds: the handshake
 * fails with stock's reason and an internal_error alert. */
static const int gen_reasons[] = {SSL_R_SSL_SESSION_ID_CALLBACK_FAILED,
                                  SSL_R_SSL_SESSION_ID_HAS_BAD_LENGTH,
                                  SSL_R_SSL_SESSION_ID_CONFLICT};

START_TEST(generator_failures)
{
    gen_reset();
    setup12(1);
    SSL_CTX_set_generate_session_id(sctx, gen_id);
    if (_i == 2) {
        fixed_id = 1;
        connect_with(sctx, NULL); /* its session is cached under the fixed id */
    }
    gen_fail = _i == 0;
    gen_len = _i == 1 ? 0 : 16;
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), gen_reasons[_i]);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_INTERNAL_ERROR);
}
END_TEST

/* A cache of one: the second session pushes the first out. */
START_TEST(cache_size)
{
    setup12(1);
    SSL_CTX_sess_set_cache_size(sctx, 1);
    ck_assert_int_eq(SSL_CTX_sess_get_cache_size(sctx), 1);
    SSL_SESSION *a = session_of(connect_with(sctx, NULL));
    SSL_SESSION *b = session_of(connect_with(sctx, NULL));
    ck_assert_int_eq(SSL_CTX_sess_number(sctx), 1);
    ck_assert_int_eq(SSL_CTX_sess_cache_full(sctx), 1);
    check_resumed(connect_with(sctx, a), 0);
    /* (a's miss put a third session in, pushing b out in turn.) */
    ck_assert_int_eq(SSL_CTX_sess_misses(sctx), 1);
    check_resumed(connect_with(sctx, b), 0);
}
END_TEST

/* The context's timeout: an older session is not resumed. */
START_TEST(timeout)
{
    setup12(1);
    ck_assert_int_eq(SSL_CTX_set_timeout(sctx, 1), 7200); /* the default before */
    struct pair *p1 = connect_with(sctx, NULL);
    SSL_SESSION *sess = session_of(p1);
    /* The server's session has the server's timeout (the client's, its own). */
    ck_assert_int_eq(SSL_SESSION_get_timeout(SSL_get_session(p1->s.ssl)), 1);
    ck_assert_int_eq(SSL_SESSION_get_timeout(sess), 7200);
    sleep(3);
    struct pair *p = connect_with(sctx, sess);
    check_resumed(p, 0);
    ck_assert_int_eq(SSL_CTX_sess_timeouts(sctx), 1);
}
END_TEST

/* SSL_CTX_remove_session: gone, and the remove callback hears of it. */
static int removed;
static SSL_SESSION *removed_last;

static void remove_cb(SSL_CTX *ctx, SSL_SESSION *sess)
{
    (void)ctx;
    removed++;
    removed_last = sess;
}

START_TEST(remove_session)
{
    setup12(1);
    removed = 0;
    SSL_CTX_sess_set_remove_cb(sctx, remove_cb);
    struct pair *p1 = connect_with(sctx, NULL);
    SSL_SESSION *sess = session_of(p1);
    ck_assert_int_eq(SSL_CTX_remove_session(sctx, SSL_get_session(p1->s.ssl)), 1);
    ck_assert_int_eq(removed, 1);
    ck_assert_ptr_eq(removed_last, SSL_get_session(p1->s.ssl));
    ck_assert_int_eq(SSL_CTX_sess_number(sctx), 0);
    check_resumed(connect_with(sctx, sess), 0);
}
END_TEST

/* ---- an external cache (nginx's shared cache: DER through callbacks) ---- */

static unsigned char ext_der[4096];
static int ext_der_len, new_calls, get_calls, get_copy;
static unsigned char ext_id[32], asked_id[32];
static int asked_len;

static int ext_new_cb(SSL *s, SSL_SESSION *sess)
{
    (void)s;
    new_calls++;
    unsigned idlen;
    const unsigned char *id = SSL_SESSION_get_id(sess, &idlen);
    ck_assert_uint_eq(idlen, 32);
    memcpy(ext_id, id, 32);
    unsigned char *out = ext_der;
    ext_der_len = i2d_SSL_SESSION(sess, &out);
    ck_assert_int_gt(ext_der_len, 0);
    ck_assert_int_le(ext_der_len, (int)sizeof(ext_der));
    return 0; /* not kept: the library frees it */
}

static SSL_SESSION *ext_get_cb(SSL *s, const unsigned char *id, int len, int *copy)
{
    (void)s;
    get_calls++;
    asked_len = len;
    if (len <= 32)
        memcpy(asked_id, id, (size_t)len);
    if (len != 32 || memcmp(id, ext_id, 32) != 0 || ext_der_len == 0)
        return NULL;
    const unsigned char *in = ext_der;
    SSL_SESSION *sess = d2i_SSL_SESSION(NULL, &in, ext_der_len);
    ck_assert_ptr_nonnull(sess);
    *copy = get_copy;
    if (get_copy)
        pair_keep_session(sess); /* a reference stays ours */
    return sess;
}

START_TEST(external_cache)
{
    setup12(1);
    new_calls = get_calls = ext_der_len = asked_len = 0;
    get_copy = _i;
    SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
    SSL_CTX_sess_set_new_cb(sctx, ext_new_cb);
    SSL_CTX_sess_set_get_cb(sctx, ext_get_cb);
    SSL_SESSION *sess = session_of(connect_with(sctx, NULL));
    ck_assert_int_eq(new_calls, 1);
    ck_assert_int_eq(get_calls, 0);
    ck_assert_int_eq(SSL_CTX_sess_number(sctx), 0);
    struct pair *p = connect_with(sctx, sess);
    ck_assert_int_eq(get_calls, 1);
    ck_assert_int_eq(asked_len, 32);
    ck_assert_mem_eq(asked_id, ext_id, 32);
    check_resumed(p, 1);
    ck_assert_int_eq(new_calls, 1);
    ck_assert_int_eq(SSL_CTX_sess_cb_hits(sctx), 1);
    ck_assert_int_eq(SSL_CTX_sess_hits(sctx), 1);
}
END_TEST

/* The get callback knows nothing: a full handshake, stored anew. */
START_TEST(external_cache_miss)
{
    setup12(1);
    new_calls = get_calls = ext_der_len = 0;
    SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
    SSL_CTX_sess_set_new_cb(sctx, ext_new_cb);
    SSL_CTX_sess_set_get_cb(sctx, ext_get_cb);
    SSL_SESSION *sess = session_of(connect_with(sctx, NULL));
    ext_der_len = 0;
    struct pair *p = connect_with(sctx, sess);
    ck_assert_int_eq(get_calls, 1);
    check_resumed(p, 0);
    ck_assert_int_eq(new_calls, 2);
    /* (Stock counts misses of its internal lookup only.) */
    ck_assert_int_eq(SSL_CTX_sess_misses(sctx), 0);
    ck_assert_int_eq(SSL_CTX_sess_cb_hits(sctx), 0);
}
END_TEST

/* ---- the session id context ---- */

/* A session from another context (another sid_ctx) found in the cache is
 * not resumed: a full handshake. */
START_TEST(sid_ctx_mismatch)
{
    setup12(1);
    static const unsigned char A[] = "context A", B[] = "context B";
    ck_assert_int_eq(SSL_CTX_set_session_id_context(sctx, A, sizeof(A)), 1);
    SSL_SESSION *sess = session_of(connect_with(sctx, NULL));
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(SSL_set_session_id_context(p->s.ssl, B, sizeof(B)), 1);
    ck_assert_int_eq(SSL_set_session(p->c.ssl, sess), 1);
    pair_connect(p);
    check_resumed(p, 0);
    /* The same context resumes. */
    check_resumed(connect_with(sctx, sess), 1);
}
END_TEST

/* SSL_VERIFY_PEER without a session id context: the session cannot be tied
 * to its verification.  Stock keeps such sessions out of its cache (_i 0:
 * a full handshake); one cached before verification was asked for is a
 * fatal error when offered (_i 1). */
START_TEST(sid_ctx_uninitialized)
{
    setup12(1);
    ck_assert_int_eq(SSL_CTX_load_verify_locations(sctx, pair_file("ca.pem"), NULL), 1);
    if (!_i)
        SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
    pair_ctx_use(cctx, "client-ec");
    SSL_SESSION *sess = session_of(connect_with(sctx, NULL));
    ck_assert_int_eq(SSL_CTX_sess_number(sctx), _i);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    SSL_set_verify(p->s.ssl, SSL_VERIFY_PEER, NULL);
    ck_assert_int_eq(SSL_set_session(p->c.ssl, sess), 1);
    if (!_i) {
        pair_connect(p);
        check_resumed(p, 0);
        return;
    }
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_SESSION_ID_CONTEXT_UNINITIALIZED);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_INTERNAL_ERROR);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_TLSV1_ALERT_INTERNAL_ERROR);
}
END_TEST

/* With one, the verified client's session resumes, its certificate kept. */
START_TEST(sid_ctx_client_auth_resumes)
{
    setup12(1);
    static const unsigned char CTX[] = "verified clients";
    ck_assert_int_eq(SSL_CTX_set_session_id_context(sctx, CTX, sizeof(CTX)), 1);
    ck_assert_int_eq(SSL_CTX_load_verify_locations(sctx, pair_file("ca.pem"), NULL), 1);
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
    pair_ctx_use(cctx, "client-ec");
    SSL_SESSION *sess = session_of(connect_with(sctx, NULL));
    struct pair *p = connect_with(sctx, sess);
    check_resumed(p, 1);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE_REQUEST), 0);
    X509 *x = SSL_get1_peer_certificate(p->s.ssl);
    ck_assert_ptr_nonnull(x);
    ck_assert_str_eq(pair_cn(x), "shimssl-client");
    X509_free(x);
    ck_assert_int_eq(SSL_get_verify_result(p->s.ssl), X509_V_OK);
}
END_TEST

/* ---- by ticket (RFC 5077) ---- */

START_TEST(resume_by_ticket)
{
    setup12(0);
    struct pair *p1 = connect_with(sctx, NULL);
    /* The ServerHello agrees (an empty session_ticket); the ticket comes
     * before the server's ChangeCipherSpec. */
    const unsigned char *b;
    size_t l;
    ck_assert(pair_msg_ext(pair_hs_msg(&p1->s, 1, SSL3_MT_SERVER_HELLO, 0), SSL3_MT_SERVER_HELLO,
                           EXT_SESSION_TICKET, &b, &l));
    ck_assert_uint_eq(l, 0);
    ck_assert_int_eq(pair_hs_count(&p1->s, 1, SSL3_MT_NEWSESSION_TICKET), 1);
    pair_info_in_order(&p1->s, "read finished", "write session ticket", "write change cipher spec",
                       "write finished", NULL);
    SSL_SESSION *sess = session_of(p1);
    ck_assert_int_eq(SSL_SESSION_has_ticket(sess), 1);
    ck_assert_uint_eq(SSL_SESSION_get_ticket_lifetime_hint(sess), 7200);
    /* A stateless server keeps nothing in its cache. */
    ck_assert_int_eq(SSL_CTX_sess_number(sctx), 0);

    struct pair *p = connect_with(sctx, sess);
    check_resumed(p, 1);
    /* No new ticket on resumption with the context's keys. */
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_NEWSESSION_TICKET), 0);
    /* The client's id (sent with the ticket) is echoed (RFC 5077 3.4). */
    const unsigned char *ch_id, *sh_id;
    size_t cl = hello_id(pair_hs_msg(&p->s, 0, SSL3_MT_CLIENT_HELLO, 0), &ch_id);
    ck_assert_uint_eq(cl, 32);
    ck_assert_uint_eq(hello_id(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0), &sh_id), cl);
    ck_assert_mem_eq(sh_id, ch_id, cl);
}
END_TEST

/* A ticket from a context with other keys: a full handshake, a new ticket. */
/* Tickets from two full handshakes are sealed under different IVs (after
 * the 16-byte key name: stock's layout), drawn with the server's random. */
START_TEST(ticket_ivs_differ)
{
    const unsigned char *t[2];
    size_t len[2];

    setup12(0);
    for (int i = 0; i < 2; i++) {
        SSL_SESSION *sess = session_of(connect_with(sctx, NULL));
        ck_assert_int_eq(SSL_SESSION_has_ticket(sess), 1);
        SSL_SESSION_get0_ticket(sess, &t[i], &len[i]);
        ck_assert_uint_ge(len[i], 32);
    }
    ck_assert(memcmp(t[0], t[1], 16) == 0); /* the same key name */
    ck_assert(memcmp(t[0] + 16, t[1] + 16, 16) != 0);
}
END_TEST

START_TEST(ticket_other_keys)
{
    setup12(0);
    SSL_SESSION *sess = session_of(connect_with(sctx, NULL));
    SSL_CTX *other = pair_keep_ctx(pair_server_ctx("server-ec"));
    struct pair *p = connect_with(other, sess);
    check_resumed(p, 0);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_NEWSESSION_TICKET), 1);
}
END_TEST

/* Shared keys (SSL_CTX_set_tlsext_ticket_keys) resume across contexts. */
START_TEST(ticket_shared_keys)
{
    setup12(0);
    unsigned char keys[80];
    for (size_t i = 0; i < sizeof(keys); i++)
        keys[i] = (unsigned char)(i * 5 + 3);
    SSL_CTX *other = pair_keep_ctx(pair_server_ctx("server-ec"));
    ck_assert_int_eq(SSL_CTX_set_tlsext_ticket_keys(sctx, keys, sizeof(keys)), 1);
    ck_assert_int_eq(SSL_CTX_set_tlsext_ticket_keys(other, keys, sizeof(keys)), 1);
    struct pair *p1 = connect_with(sctx, NULL);
    const struct pair_msg *t = pair_hs_msg(&p1->s, 1, SSL3_MT_NEWSESSION_TICKET, 0);
    ck_assert_ptr_nonnull(t);
    /* lifetime<4>, ticket<2>: the ticket starts with the key name. */
    ck_assert_uint_gt(t->len, 4 + 4 + 2 + 16);
    ck_assert_mem_eq(t->data + 10, keys, 16);
    check_resumed(connect_with(other, session_of(p1)), 1);
}
END_TEST

/* SSL_OP_NO_TICKET on the server: no ticket, the id does the work. */
START_TEST(no_ticket_option)
{
    setup12(1);
    struct pair *p1 = connect_with(sctx, NULL);
    ck_assert_int_eq(pair_hs_count(&p1->s, 1, SSL3_MT_NEWSESSION_TICKET), 0);
    ck_assert(pair_msg_ext(pair_hs_msg(&p1->s, 0, SSL3_MT_CLIENT_HELLO, 0), SSL3_MT_CLIENT_HELLO,
                           EXT_SESSION_TICKET, NULL, NULL));
    SSL_SESSION *sess = session_of(p1);
    ck_assert_int_eq(SSL_SESSION_has_ticket(sess), 0);
    check_resumed(connect_with(sctx, sess), 1);
}
END_TEST

/* ---- the EVP ticket key callback ---- */

static const unsigned char KEY_NAME[16] = "shimssl-tls12-tk";
static int tk_enc, tk_dec, tk_answer;

static int ticket_key_cb(SSL *s, unsigned char key_name[16], unsigned char *iv, EVP_CIPHER_CTX *ctx,
                         EVP_MAC_CTX *hctx, int enc)
{
    (void)s;
    static unsigned char aes[32], mac[32];
    memset(aes, 0x33, sizeof(aes));
    memset(mac, 0x44, sizeof(mac));
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end()};
    if (enc) {
        tk_enc++;
        memcpy(key_name, KEY_NAME, 16);
        ck_assert_int_eq(RAND_bytes(iv, 16), 1);
        ck_assert_int_eq(EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, aes, iv), 1);
        ck_assert_int_eq(EVP_MAC_init(hctx, mac, sizeof(mac), params), 1);
        return 1;
    }
    tk_dec++;
    if (memcmp(key_name, KEY_NAME, 16) != 0 || tk_answer == 0)
        return 0;
    ck_assert_int_eq(EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, aes, iv), 1);
    ck_assert_int_eq(EVP_MAC_init(hctx, mac, sizeof(mac), params), 1);
    return tk_answer;
}

/* _i: the decrypt answer: 1 use, 2 use and renew (a new ticket in the
 * abbreviated handshake), 0 unknown key (a full handshake). */
START_TEST(ticket_key_callback)
{
    setup12(0);
    tk_enc = tk_dec = 0;
    tk_answer = _i;
    ck_assert_int_eq(SSL_CTX_set_tlsext_ticket_key_evp_cb(sctx, ticket_key_cb), 1);
    struct pair *p1 = connect_with(sctx, NULL);
    ck_assert_int_eq(tk_enc, 1);
    ck_assert_int_eq(tk_dec, 0);
    const struct pair_msg *t = pair_hs_msg(&p1->s, 1, SSL3_MT_NEWSESSION_TICKET, 0);
    ck_assert_ptr_nonnull(t);
    ck_assert_mem_eq(t->data + 10, KEY_NAME, 16);

    struct pair *p = connect_with(sctx, session_of(p1));
    ck_assert_int_eq(tk_dec, 1);
    check_resumed(p, _i != 0);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_NEWSESSION_TICKET), _i != 1);
    ck_assert_int_eq(tk_enc, _i == 1 ? 1 : 2);
    if (_i == 2)
        pair_info_in_order(&p->s, "write server hello", "write session ticket",
                           "write change cipher spec", "write finished", NULL);
}
END_TEST

Suite *pair_suite(void)
{
    Suite *s = suite_create("pair-resume12");
    TCase *tc = pair_tcase("session_id");
    tcase_add_test(tc, resume_by_id);
    tcase_add_test(tc, cache_off);
    tcase_add_test(tc, generated_ids);
    tcase_add_loop_test(tc, generator_failures, 0, 3);
    tcase_add_test(tc, unknown_id);
    tcase_add_test(tc, cache_size);
    tcase_add_test(tc, timeout);
    tcase_add_test(tc, remove_session);
    tcase_add_loop_test(tc, external_cache, 0, 2);
    tcase_add_test(tc, external_cache_miss);
    tcase_add_test(tc, sid_ctx_mismatch);
    tcase_add_loop_test(tc, sid_ctx_uninitialized, 0, 2);
    tcase_add_test(tc, sid_ctx_client_auth_resumes);
    suite_add_tcase(s, tc);

    tc = pair_tcase("tickets");
    tcase_add_test(tc, resume_by_ticket);
    tcase_add_test(tc, ticket_ivs_differ);
    tcase_add_test(tc, ticket_other_keys);
    tcase_add_test(tc, ticket_shared_keys);
    tcase_add_test(tc, no_ticket_option);
    tcase_add_loop_test(tc, ticket_key_callback, 0, 3);
    suite_add_tcase(s, tc);
    return s;
}
