/*
 * shimssl - helpers shared by the differential programs.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * A differential program is compiled once against the *system* headers and
 * run twice by run_diff.sh: plainly (stock libssl) and with our library
 * preloaded.  Its standard output must be identical; so it prints only what
 * the ABI promises (return values, error library and reason codes and texts,
 * stored state), never addresses, file names or function names.
 */
#ifndef SHIM_DIFF_COMMON_H
#define SHIM_DIFF_COMMON_H

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

/* Printed when the program exits normally, after libcrypto's own exit
 * handlers (OPENSSL_cleanup) have run: run_diff.sh requires it, so a run cut
 * short by a crash, an abort or a hang in cleanup never compares as equal. */
static void diff_end_of_run(void)
{
    printf("-- end of run\n");
    fflush(stdout);
}

/* Tells run_diff.sh (on stderr) which libssl the program is running on, so
 * that a preload that silently did not happen cannot pass as "no difference".
 * Every differential program calls it first, before libcrypto registers its
 * exit handler, so the end-of-run line comes after that handler. */
static void diff_report_lib(void)
{
    Dl_info info;
    if (dladdr((void *)SSL_CTX_new, &info) && info.dli_fname != NULL)
        fprintf(stderr, "libssl: %s\n", info.dli_fname);
    atexit(diff_end_of_run);
}

/* A library whose reasons are printed without the reason: a signature
 * corrupted in flight makes RSA report whichever padding check the random
 * result fails first, which differs from run to run for stock as for us. */
static int diff_reasonless_lib;

/* Prints and empties the error queue: library, reason and reason text. */
static void diff_print_errors(const char *label)
{
    unsigned long e;
    int n = 0;
    while ((e = ERR_get_error()) != 0) {
        const char *r = ERR_reason_error_string(e);
        if (diff_reasonless_lib != 0 && ERR_GET_LIB(e) == diff_reasonless_lib) {
            printf("%s: error lib=%d (reason not compared)\n", label, ERR_GET_LIB(e));
            n++;
            continue;
        }
        printf("%s: error lib=%d reason=%d (%s)\n", label, ERR_GET_LIB(e), ERR_GET_REASON(e),
               r != NULL ? r : "-");
        n++;
    }
    if (n == 0)
        printf("%s: no error\n", label);
}

#endif
