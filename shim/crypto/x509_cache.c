/*
 * shimssl - peer certificates parsed once and shared (see x509_cache.h).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "crypto/algs.h"
#include "crypto/x509_cache.h"

/* Enough for the chains of a few servers; replaced round-robin. */
#define CACHE_SLOTS 16

struct slot {
    uint8_t *der;
    size_t len;
    X509 *x509;
};

struct shim_x509_cache {
    CRYPTO_RWLOCK *lock;
    struct slot slots[CACHE_SLOTS];
    size_t next;
};

struct shim_x509_cache *shim_x509_cache_new(void)
{
    struct shim_x509_cache *c = OPENSSL_zalloc(sizeof(*c));

    if (c != NULL && (c->lock = CRYPTO_THREAD_lock_new()) == NULL) {
        OPENSSL_free(c);
        c = NULL;
    }
    return c;
}

static void slot_clear(struct slot *sl)
{
    OPENSSL_free(sl->der);
    X509_free(sl->x509);
    memset(sl, 0, sizeof(*sl));
}

void shim_x509_cache_free(struct shim_x509_cache *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < CACHE_SLOTS; i++)
        slot_clear(&c->slots[i]);
    CRYPTO_THREAD_lock_free(c->lock);
    OPENSSL_free(c);
}

static X509 *lookup(struct shim_x509_cache *c, const uint8_t *der, size_t len)
{
    X509 *x = NULL;

    if (!CRYPTO_THREAD_read_lock(c->lock))
        return NULL;
    for (size_t i = 0; i < CACHE_SLOTS && x == NULL; i++) {
        const struct slot *sl = &c->slots[i];
        /* (An empty slot has length 0: a peer's zero-length entry must not
         * match it.) */
        if (sl->x509 != NULL && sl->len == len && memcmp(sl->der, der, len) == 0 &&
            X509_up_ref(sl->x509))
            x = sl->x509;
    }
    CRYPTO_THREAD_unlock(c->lock);
    return x;
}

static void insert(struct shim_x509_cache *c, const uint8_t *der, size_t len, X509 *x)
{
    uint8_t *copy = OPENSSL_memdup(der, len);

    if (copy == NULL || !X509_up_ref(x)) {
        OPENSSL_free(copy);
        return;
    }
    if (!CRYPTO_THREAD_write_lock(c->lock)) {
        OPENSSL_free(copy);
        X509_free(x);
        return;
    }
    slot_clear(&c->slots[c->next]);
    c->slots[c->next] = (struct slot){copy, len, x};
    c->next = (c->next + 1) % CACHE_SLOTS;
    CRYPTO_THREAD_unlock(c->lock);
}

int shim_x509_from_der(const struct shim_algs *a, const uint8_t *der, size_t len, X509 **out)
{
    const unsigned char *p = der;
    X509 *x;

    if (a->peer_certs != NULL && (*out = lookup(a->peer_certs, der, len)) != NULL)
        return 1;
    *out = NULL;
    if ((x = X509_new_ex(a->libctx, a->propq)) == NULL || d2i_X509(&x, &p, (long)len) == NULL) {
        X509_free(x);
        return 0;
    }
    if (p != der + len) {
        X509_free(x);
        return -1;
    }
    if (a->peer_certs != NULL)
        insert(a->peer_certs, der, len, x);
    *out = x;
    return 1;
}
