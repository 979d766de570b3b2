/*
 * shimssl - which algorithms a library context's providers offer.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/evp.h>
#include <openssl/objects.h>

#include "crypto/probe.h"

int shim_probe_cipher(OSSL_LIB_CTX *libctx, const char *propq, int nid)
{
    EVP_CIPHER *c;

    ERR_set_mark();
    c = EVP_CIPHER_fetch(libctx, OBJ_nid2sn(nid), propq);
    ERR_pop_to_mark();
    EVP_CIPHER_free(c);
    return c != NULL;
}

int shim_probe_md(OSSL_LIB_CTX *libctx, const char *propq, int nid)
{
    EVP_MD *md;

    ERR_set_mark();
    md = EVP_MD_fetch(libctx, OBJ_nid2sn(nid), propq);
    ERR_pop_to_mark();
    EVP_MD_free(md);
    return md != NULL;
}

int shim_probe_keyexch(OSSL_LIB_CTX *libctx, const char *propq, const char *name)
{
    EVP_KEYEXCH *k;

    ERR_set_mark();
    k = EVP_KEYEXCH_fetch(libctx, name, propq);
    ERR_pop_to_mark();
    EVP_KEYEXCH_free(k);
    return k != NULL;
}

int shim_probe_signature(OSSL_LIB_CTX *libctx, const char *propq, const char *name)
{
    EVP_SIGNATURE *sig;

    ERR_set_mark();
    sig = EVP_SIGNATURE_fetch(libctx, name, propq);
    ERR_pop_to_mark();
    EVP_SIGNATURE_free(sig);
    return sig != NULL;
}

int shim_probe_pkey_type(const char *sn)
{
    const EVP_PKEY_ASN1_METHOD *am = EVP_PKEY_asn1_find_str(NULL, sn, -1);
    int id = 0;

    return am != NULL && EVP_PKEY_asn1_get0_info(&id, NULL, NULL, NULL, NULL, am) > 0 && id != 0;
}
