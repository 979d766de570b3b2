/*
 * shimssl - one-shot digests.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "crypto/hash.h"

size_t shim_md_size(const EVP_MD *md)
{
    int n = EVP_MD_get_size(md);
    return n > 0 ? (size_t)n : 0;
}

const EVP_MD *shim_md_by_nid(int nid)
{
    return EVP_get_digestbynid(nid);
}

int shim_digest(const EVP_MD *md, const uint8_t *data, size_t len, uint8_t *out, size_t *out_len)
{
    unsigned int n = 0;

    if (!EVP_Digest(data != NULL ? data : (const uint8_t *)"", len, out, &n, md, NULL)) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    if (out_len != NULL)
        *out_len = n;
    return 1;
}
