/*
 * shimssl unit tests: the handshake transcript (shim/crypto/transcript.c).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Expected hashes are computed here with EVP_Digest over the bytes the test
 * itself concatenates, and, for the messages of RFC 8448 section 3 (the
 * simple 1-RTT handshake), are the transcript hashes the RFC prints.
 */
#include "shim.h"

#include <string.h>

#include "crypto/transcript.h"
#include "rfc8448.h"
#include "unit.h"
#include "unit_util.h"

#define MAX_MSG 1024

struct msg {
    uint8_t b[MAX_MSG];
    size_t len;
};

static void msg(struct msg *m, const char *hex)
{
    m->len = unit_unhex(hex, m->b, sizeof(m->b));
    /* A handshake message: its header's length is the rest. */
    ck_assert_uint_ge(m->len, 4);
    ck_assert_uint_eq(((size_t)m->b[1] << 16 | (size_t)m->b[2] << 8 | m->b[3]) + 4, m->len);
}

/* A made-up handshake message of the given type and body length. */
static void fake(struct msg *m, uint8_t type, size_t body)
{
    ck_assert_uint_le(body + 4, MAX_MSG);
    m->b[0] = type;
    m->b[1] = (uint8_t)(body >> 16);
    m->b[2] = (uint8_t)(body >> 8);
    m->b[3] = (uint8_t)body;
    for (size_t i = 0; i < body; i++)
        m->b[4 + i] = (uint8_t)(type + i * 13);
    m->len = body + 4;
}

/* An independent running hash: the concatenation of what was added. */
struct concat {
    uint8_t b[8 * MAX_MSG];
    size_t len;
};

static void cat(struct concat *c, const void *p, size_t n)
{
    ck_assert_uint_le(c->len + n, sizeof(c->b));
    memcpy(c->b + c->len, p, n);
    c->len += n;
}

static void add(struct tls_transcript *t, struct concat *c, const struct msg *m)
{
    ck_assert(tls_transcript_add(t, m->b, m->len));
    cat(c, m->b, m->len);
}

static size_t digest(const EVP_MD *md, const void *p, size_t n, uint8_t *out)
{
    unsigned int len = 0;
    ck_assert(EVP_Digest(p, n, out, &len, md, NULL));
    return len;
}

static void assert_hash(const struct tls_transcript *t, const EVP_MD *md, const void *p, size_t n)
{
    uint8_t want[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE];
    size_t want_len = digest(md, p, n, want), got_len = 0;
    ck_assert(tls_transcript_hash(t, got, &got_len));
    ck_assert_uint_eq(got_len, want_len);
    ck_assert_mem_eq(got, want, want_len);
}

/* Before the suite is known the messages are kept as bytes, exactly; the
 * hash chosen then covers all of them, and the bytes are let go. */
START_TEST(kept_until_hash_chosen)
{
    const EVP_MD *md = _i == 0 ? EVP_sha256() : EVP_sha384();
    struct tls_transcript t;
    struct concat c = {.len = 0};
    struct msg m1, m2, m3;
    uint8_t out[EVP_MAX_MD_SIZE];
    size_t out_len;

    fake(&m1, SSL3_MT_CLIENT_HELLO, 300);
    fake(&m2, SSL3_MT_SERVER_HELLO, 90);
    fake(&m3, SSL3_MT_ENCRYPTED_EXTENSIONS, 0);
    tls_transcript_init(&t);
    add(&t, &c, &m1);
    add(&t, &c, &m2);
    ck_assert_ptr_null(t.ctx);
    ck_assert_uint_eq(t.len, c.len);
    ck_assert_mem_eq(t.buf, c.b, c.len);
    /* No hash yet: asking for it fails rather than inventing one. */
    ERR_clear_error();
    ck_assert(!tls_transcript_hash(&t, out, &out_len));
    ck_assert_int_eq(unit_ssl_reason(), ERR_R_EVP_LIB);
    ERR_clear_error();

    ck_assert(tls_transcript_set_md(&t, md));
    ck_assert_ptr_eq(t.md, md);
    ck_assert_ptr_null(t.buf);
    ck_assert_uint_eq(t.len, 0);
    assert_hash(&t, md, c.b, c.len);
    /* Asking for the hash leaves the running state alone. */
    assert_hash(&t, md, c.b, c.len);
    add(&t, &c, &m3);
    assert_hash(&t, md, c.b, c.len);
    tls_transcript_cleanup(&t);
}
END_TEST

/* The transcript hashes RFC 8448 prints for its simple 1-RTT handshake. */
START_TEST(rfc8448_transcript_hashes)
{
    struct tls_transcript t;
    struct concat c = {.len = 0};
    struct msg ch, sh, ee, cert, cv, sf;
    uint8_t want[32], got[EVP_MAX_MD_SIZE];
    size_t got_len = 0;

    msg(&ch, RFC_CH);
    msg(&sh, RFC_SH);
    msg(&ee, RFC_EE);
    msg(&cert, RFC_CERT);
    msg(&cv, RFC_CV);
    msg(&sf, RFC_SFIN);
    ck_assert_uint_eq(ch.len, 196);
    tls_transcript_init(&t);
    add(&t, &c, &ch);
    add(&t, &c, &sh);
    ck_assert(tls_transcript_set_md(&t, EVP_sha256()));
    ck_assert(tls_transcript_hash(&t, got, &got_len));
    ck_assert_uint_eq(got_len, 32);
    unit_unhex(RFC_HASH_CH_SH, want, sizeof(want));
    ck_assert_mem_eq(got, want, 32);
    add(&t, &c, &ee);
    add(&t, &c, &cert);
    add(&t, &c, &cv);
    add(&t, &c, &sf);
    ck_assert(tls_transcript_hash(&t, got, &got_len));
    unit_unhex(RFC_HASH_CH_SF, want, sizeof(want));
    ck_assert_mem_eq(got, want, 32);
    assert_hash(&t, EVP_sha256(), c.b, c.len);
    tls_transcript_cleanup(&t);
}
END_TEST

/* keep: a TLS 1.2 client that signs a CertificateVerify needs the raw
 * messages as well as the hash, until it drops them. */
START_TEST(keep_mode)
{
    struct tls_transcript t;
    struct concat c = {.len = 0};
    struct msg m1, m2, m3, m4;

    fake(&m1, SSL3_MT_CLIENT_HELLO, 200);
    fake(&m2, SSL3_MT_SERVER_HELLO, 70);
    fake(&m3, SSL3_MT_CERTIFICATE, 900);
    fake(&m4, SSL3_MT_SERVER_DONE, 0);
    tls_transcript_init(&t);
    t.keep = 1;
    add(&t, &c, &m1);
    add(&t, &c, &m2);
    ck_assert(tls_transcript_set_md(&t, EVP_sha256()));
    /* Still kept after the hash is chosen, and new messages go to both. */
    ck_assert_uint_eq(t.len, c.len);
    ck_assert_mem_eq(t.buf, c.b, c.len);
    add(&t, &c, &m3);
    ck_assert_uint_eq(t.len, c.len);
    ck_assert_mem_eq(t.buf, c.b, c.len);
    assert_hash(&t, EVP_sha256(), c.b, c.len);
    /* Chosen again (a different suite), the hash starts over the kept bytes. */
    ck_assert(tls_transcript_set_md(&t, EVP_sha384()));
    assert_hash(&t, EVP_sha384(), c.b, c.len);
    /* Dropped: the bytes go, the hash goes on. */
    tls_transcript_drop_buffer(&t);
    ck_assert_ptr_null(t.buf);
    ck_assert_uint_eq(t.len, 0);
    ck_assert_int_eq(t.keep, 0);
    add(&t, &c, &m4);
    ck_assert_ptr_null(t.buf);
    assert_hash(&t, EVP_sha384(), c.b, c.len);
    tls_transcript_cleanup(&t);
}
END_TEST

/* Hash(everything || extra) without changing the transcript: with the hash
 * chosen, and before (a PSK binder over a partial ClientHello). */
START_TEST(hash_with)
{
    const EVP_MD *md = _i == 0 ? EVP_sha256() : EVP_sha384();
    struct tls_transcript t;
    struct concat c = {.len = 0}, with;
    struct msg m1, m2;
    uint8_t got[EVP_MAX_MD_SIZE], want[EVP_MAX_MD_SIZE], extra[77];
    size_t got_len = 0, want_len;

    for (size_t i = 0; i < sizeof(extra); i++)
        extra[i] = (uint8_t)(0xE0 ^ i);
    fake(&m1, SSL3_MT_CLIENT_HELLO, 150);
    fake(&m2, SSL3_MT_SERVER_HELLO, 60);
    tls_transcript_init(&t);
    add(&t, &c, &m1);

    /* No hash chosen yet: md is used over the kept bytes. */
    with = c;
    cat(&with, extra, sizeof(extra));
    want_len = digest(md, with.b, with.len, want);
    ck_assert(tls_transcript_hash_with(&t, md, extra, sizeof(extra), got, &got_len));
    ck_assert_uint_eq(got_len, want_len);
    ck_assert_mem_eq(got, want, want_len);
    ck_assert_uint_eq(t.len, c.len); /* nothing added */

    ck_assert(tls_transcript_set_md(&t, md));
    add(&t, &c, &m2);
    with = c;
    cat(&with, extra, sizeof(extra));
    want_len = digest(md, with.b, with.len, want);
    /* With the hash chosen the md argument is not used. */
    ck_assert(tls_transcript_hash_with(&t, NULL, extra, sizeof(extra), got, &got_len));
    ck_assert_uint_eq(got_len, want_len);
    ck_assert_mem_eq(got, want, want_len);
    assert_hash(&t, md, c.b, c.len);
    tls_transcript_cleanup(&t);
}
END_TEST

/* A copy (post-handshake authentication keeps one) has the same state and
 * then goes its own way. */
START_TEST(copy_is_independent)
{
    struct tls_transcript t, copy;
    struct concat c = {.len = 0}, cc;
    struct msg m1, m2, m3;

    fake(&m1, SSL3_MT_CLIENT_HELLO, 100);
    fake(&m2, SSL3_MT_FINISHED, 32);
    fake(&m3, SSL3_MT_CERTIFICATE_REQUEST, 40);
    tls_transcript_init(&t);
    tls_transcript_init(&copy);
    /* Nothing to copy before a hash is chosen. */
    ERR_clear_error();
    ck_assert(!tls_transcript_copy(&copy, &t));
    ERR_clear_error();
    tls_transcript_cleanup(&copy);
    tls_transcript_init(&copy);

    add(&t, &c, &m1);
    ck_assert(tls_transcript_set_md(&t, EVP_sha384()));
    add(&t, &c, &m2);
    ck_assert(tls_transcript_copy(&copy, &t));
    ck_assert_ptr_eq(copy.md, EVP_sha384());
    assert_hash(&copy, EVP_sha384(), c.b, c.len);
    cc = c;
    add(&t, &c, &m3);
    assert_hash(&copy, EVP_sha384(), cc.b, cc.len);
    assert_hash(&t, EVP_sha384(), c.b, c.len);
    add(&copy, &cc, &m1);
    assert_hash(&copy, EVP_sha384(), cc.b, cc.len);
    assert_hash(&t, EVP_sha384(), c.b, c.len);
    tls_transcript_cleanup(&t);
    tls_transcript_cleanup(&copy);
}
END_TEST

/*
 * RFC 8446 4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by
 *   message_hash (254) || 00 00 Hash.length || Hash(ClientHello1)
 * and the transcript goes on from there: HelloRetryRequest, ClientHello2,
 * ServerHello.  The client's order is followed: ClientHello1 is sent before
 * any hash is chosen; the HelloRetryRequest's suite chooses it.
 */
START_TEST(hello_retry_request_message_hash)
{
    const EVP_MD *md = _i == 0 ? EVP_sha256() : EVP_sha384();
    struct tls_transcript t;
    struct concat expect = {.len = 0};
    struct msg ch1, hrr, ch2, sh;
    uint8_t h1[EVP_MAX_MD_SIZE], hdr[4];
    size_t hlen;

    fake(&ch1, SSL3_MT_CLIENT_HELLO, 250);
    fake(&hrr, SSL3_MT_SERVER_HELLO, 88);
    fake(&ch2, SSL3_MT_CLIENT_HELLO, 280);
    fake(&sh, SSL3_MT_SERVER_HELLO, 90);
    tls_transcript_init(&t);
    ck_assert(tls_transcript_add(&t, ch1.b, ch1.len));
    ck_assert(tls_transcript_set_md(&t, md));
    ck_assert(tls_transcript_replace_with_message_hash(&t));

    hlen = digest(md, ch1.b, ch1.len, h1);
    hdr[0] = 0xFE;
    hdr[1] = 0;
    hdr[2] = 0;
    hdr[3] = (uint8_t)hlen;
    cat(&expect, hdr, 4);
    cat(&expect, h1, hlen);
    assert_hash(&t, md, expect.b, expect.len);
    add(&t, &expect, &hrr);
    add(&t, &expect, &ch2);
    add(&t, &expect, &sh);
    assert_hash(&t, md, expect.b, expect.len);
    ck_assert_uint_eq(expect.len, 4 + hlen + hrr.len + ch2.len + sh.len);
    tls_transcript_cleanup(&t);
}
END_TEST

/* Choosing no hash fails with libcrypto's reason and keeps nothing half done. */
START_TEST(no_md_is_refused)
{
    struct tls_transcript t;
    struct msg m;

    fake(&m, SSL3_MT_CLIENT_HELLO, 10);
    tls_transcript_init(&t);
    ck_assert(tls_transcript_add(&t, m.b, m.len));
    ERR_clear_error();
    ck_assert(!tls_transcript_set_md(&t, NULL));
    ck_assert_int_eq(unit_ssl_reason(), ERR_R_EVP_LIB);
    ERR_clear_error();
    tls_transcript_cleanup(&t);
    ck_assert_ptr_null(t.ctx);
    ck_assert_ptr_null(t.buf);
}
END_TEST

/*
 * A failed second set_md (md NULL) must leave no freed context behind:
 * tls_transcript_cleanup would free it again (AddressSanitizer: double-free).
 */
START_TEST(failed_second_set_md_leaves_nothing_dangling)
{
    struct tls_transcript t;

    tls_transcript_init(&t);
    ck_assert(tls_transcript_set_md(&t, EVP_sha256()));
    ERR_clear_error();
    ck_assert(!tls_transcript_set_md(&t, NULL));
    ERR_clear_error();
    ck_assert_ptr_null(t.ctx);
    tls_transcript_cleanup(&t);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("transcript");
    TCase *tc = tcase_create("transcript");
    tcase_add_loop_test(tc, kept_until_hash_chosen, 0, 2);
    tcase_add_test(tc, rfc8448_transcript_hashes);
    tcase_add_test(tc, keep_mode);
    tcase_add_loop_test(tc, hash_with, 0, 2);
    tcase_add_test(tc, copy_is_independent);
    tcase_add_loop_test(tc, hello_retry_request_message_hash, 0, 2);
    tcase_add_test(tc, no_md_is_refused);
    tcase_add_test(tc, failed_second_set_md_leaves_nothing_dangling);
    suite_add_tcase(s, tc);
    return s;
}
