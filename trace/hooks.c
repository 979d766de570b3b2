/*
 * shimssl trace - what a few functions need besides their line.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "tracer.h"

/* SSL_free frees the SSL's BIOs too (one may serve as both): their ids are
 * dropped with it, so that a BIO later allocated at the same address is a
 * new #bio.  Read before the call, forgotten after it. */
void tr_hook_ssl_bios(const SSL *s, const void *bios[2])
{
    bios[0] = bios[1] = NULL;
    if (s == NULL || tr_lib.get_rbio == NULL || tr_lib.get_wbio == NULL)
        return;
    bios[0] = tr_lib.get_rbio(s);
    bios[1] = tr_lib.get_wbio(s);
}

void tr_hook_forget(const void *const *objs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tr_obj_forget(objs[i]);
}
