/*
 * shimssl fuzzing: a deterministic random source for libcrypto.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * A recorded server flight decrypts only if the client makes the same key
 * share, client random and session id as when it was recorded.  Those come
 * from libcrypto's DRBGs, key generation from the private one inside the
 * providers, so replacing the legacy RAND_METHOD is not enough: this file
 * is a tiny provider offering an EVP_RAND whose output is a fixed stream,
 * and fuzz_init() makes it the type of the primary, public and private DRBGs
 * (RAND_set_DRBG_type) before anything draws from them.  Never for real use.
 */
#include "fuzz.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRBG_NAME     "SHIM-FUZZ-DRBG"
#define PROVIDER_NAME "shimfuzzrand"

/* One stream for every DRBG instance: the order of draws is itself a
 * function of the input.  SplitMix64 (public domain constants). */
static uint64_t stream;

void fuzz_rand_restart(void)
{
    stream = 0x5368696d53534c21ULL; /* "ShimSSL!" */
}

static uint64_t next64(void)
{
    uint64_t z = (stream += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void *drbg_newctx(void *provctx, void *parent, const OSSL_DISPATCH *parent_calls)
{
    static int instance; /* no state of its own: the stream is global */
    (void)provctx, (void)parent, (void)parent_calls;
    return &instance;
}

static void drbg_freectx(void *ctx)
{
    (void)ctx;
}

static int drbg_instantiate(void *ctx, unsigned int strength, int prediction_resistance,
                            const unsigned char *pstr, size_t pstr_len, const OSSL_PARAM params[])
{
    (void)ctx, (void)strength, (void)prediction_resistance, (void)pstr, (void)pstr_len;
    (void)params;
    return 1;
}

static int drbg_uninstantiate(void *ctx)
{
    (void)ctx;
    return 1;
}

static int drbg_generate(void *ctx, unsigned char *out, size_t outlen, unsigned int strength,
                         int prediction_resistance, const unsigned char *adin, size_t adin_len)
{
    (void)ctx, (void)strength, (void)prediction_resistance, (void)adin, (void)adin_len;
    while (outlen > 0) {
        uint64_t v = next64();
        size_t n = outlen < sizeof(v) ? outlen : sizeof(v);
        memcpy(out, &v, n);
        out += n;
        outlen -= n;
    }
    return 1;
}

static int drbg_reseed(void *ctx, int prediction_resistance, const unsigned char *ent,
                       size_t ent_len, const unsigned char *adin, size_t adin_len)
{
    (void)ctx, (void)prediction_resistance, (void)ent, (void)ent_len, (void)adin, (void)adin_len;
    return 1;
}

/* libcrypto asks the primary DRBG to lock; fuzzing is single-threaded. */
static int drbg_enable_locking(void *ctx)
{
    (void)ctx;
    return 1;
}

static int drbg_get_ctx_params(void *ctx, OSSL_PARAM params[])
{
    OSSL_PARAM *p;
    (void)ctx;
    if ((p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STATE)) != NULL &&
        !OSSL_PARAM_set_int(p, EVP_RAND_STATE_READY))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STRENGTH)) != NULL &&
        !OSSL_PARAM_set_uint(p, 256))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_MAX_REQUEST)) != NULL &&
        !OSSL_PARAM_set_size_t(p, 1 << 16))
        return 0;
    return 1;
}

static const OSSL_PARAM *drbg_gettable_ctx_params(void *ctx, void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_int(OSSL_RAND_PARAM_STATE, NULL),
        OSSL_PARAM_uint(OSSL_RAND_PARAM_STRENGTH, NULL),
        OSSL_PARAM_size_t(OSSL_RAND_PARAM_MAX_REQUEST, NULL),
        OSSL_PARAM_END,
    };
    (void)ctx, (void)provctx;
    return known;
}

typedef void (*fn)(void);
static const OSSL_DISPATCH drbg_functions[] = {
    {OSSL_FUNC_RAND_NEWCTX, (fn)drbg_newctx},
    {OSSL_FUNC_RAND_FREECTX, (fn)drbg_freectx},
    {OSSL_FUNC_RAND_INSTANTIATE, (fn)drbg_instantiate},
    {OSSL_FUNC_RAND_UNINSTANTIATE, (fn)drbg_uninstantiate},
    {OSSL_FUNC_RAND_GENERATE, (fn)drbg_generate},
    {OSSL_FUNC_RAND_RESEED, (fn)drbg_reseed},
    {OSSL_FUNC_RAND_ENABLE_LOCKING, (fn)drbg_enable_locking},
    {OSSL_FUNC_RAND_GET_CTX_PARAMS, (fn)drbg_get_ctx_params},
    {OSSL_FUNC_RAND_GETTABLE_CTX_PARAMS, (fn)drbg_gettable_ctx_params},
    {0, NULL},
};

static const OSSL_ALGORITHM rands[] = {
    {DRBG_NAME, "provider=" PROVIDER_NAME, drbg_functions, "deterministic, for fuzzing only"},
    {NULL, NULL, NULL, NULL},
};

static const OSSL_ALGORITHM *query(void *provctx, int operation_id, int *no_cache)
{
    (void)provctx;
    *no_cache = 0;
    return operation_id == OSSL_OP_RAND ? rands : NULL;
}

static const OSSL_DISPATCH provider_functions[] = {
    {OSSL_FUNC_PROVIDER_QUERY_OPERATION, (fn)query},
    {0, NULL},
};

static int provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
                         const OSSL_DISPATCH **out, void **provctx)
{
    (void)in;
    *out = provider_functions;
    *provctx = (void *)handle;
    return 1;
}

/* Loaded for the life of the process, unloaded at its exit (before
 * libcrypto's own exit handler, registered earlier, runs). */
static OSSL_PROVIDER *default_provider, *fuzz_provider;

static void unload(void)
{
    OSSL_PROVIDER_unload(fuzz_provider);
    OSSL_PROVIDER_unload(default_provider);
}

static void install(void)
{
    unsigned char pub[8], priv[8];
    uint64_t first, second;

    /* Loading any provider by hand stops libcrypto loading "default" by
     * itself: load it too. */
    if (!OSSL_PROVIDER_add_builtin(NULL, PROVIDER_NAME, provider_init) ||
        (default_provider = OSSL_PROVIDER_load(NULL, "default")) == NULL ||
        (fuzz_provider = OSSL_PROVIDER_load(NULL, PROVIDER_NAME)) == NULL ||
        !RAND_set_DRBG_type(NULL, DRBG_NAME, "provider=" PROVIDER_NAME, NULL, NULL)) {
        fprintf(stderr, "fuzz_init: cannot install the deterministic RAND\n");
        abort();
    }
    atexit(unload);
    /* Both the public DRBG (RAND_bytes: client random, session ids) and the
     * private one (RAND_priv_bytes: key generation in the providers) must
     * now give the stream. */
    fuzz_rand_restart();
    if (RAND_bytes(pub, sizeof(pub)) != 1 || RAND_priv_bytes(priv, sizeof(priv)) != 1) {
        fprintf(stderr, "fuzz_init: the deterministic RAND does not answer\n");
        abort();
    }
    fuzz_rand_restart();
    first = next64();
    second = next64();
    if (memcmp(pub, &first, sizeof(pub)) != 0 || memcmp(priv, &second, sizeof(priv)) != 0) {
        fprintf(stderr, "fuzz_init: libcrypto's DRBGs are not the deterministic RAND\n");
        abort();
    }
}

void fuzz_init(void)
{
    static int done;
    if (!done) {
        install();
        done = 1;
    }
    fuzz_rand_restart();
}
