/*
 * shimssl - the main() every pair suite shares.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each pair_*.c defines pair_suite(); this runs it and exits non-zero when
 * any case fails.  The stock build (PAIR_STOCK) first makes sure that it
 * really runs on the system's libssl and not on ours (which meson may put on
 * LD_LIBRARY_PATH): a stock run that passed on our library would prove
 * nothing about stock.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pair.h"

static int check_library(void)
{
    Dl_info info;
    if (!dladdr((void *)SSL_CTX_new, &info) || info.dli_fname == NULL) {
        fprintf(stderr, "cannot tell which library SSL_CTX_new comes from\n");
        return 0;
    }
    fprintf(stderr, "libssl: %s (%s)\n", info.dli_fname, OpenSSL_version(OPENSSL_VERSION));
#ifdef PAIR_STOCK
    char lib[PATH_MAX], ours[PATH_MAX];
    if (strstr(info.dli_fname, "libssl.so") == NULL || realpath(info.dli_fname, lib) == NULL) {
        fprintf(stderr, "FAIL: the stock build does not run on a shared libssl\n");
        return 0;
    }
    if (realpath(PAIR_OUR_LIB, ours) != NULL && strcmp(lib, ours) == 0) {
        fprintf(stderr, "FAIL: the stock build runs on our library (%s)\n", lib);
        return 0;
    }
#endif
    return 1;
}

int main(void)
{
    if (!check_library())
        return EXIT_FAILURE;
    if (getenv("SHIM_PKI") == NULL) {
        fprintf(stderr, "FAIL: SHIM_PKI (the test PKI directory) is not set\n");
        return EXIT_FAILURE;
    }
    /* A peer that gave up closes its socket: a write then fails with EPIPE
     * (SSL_ERROR_SYSCALL) instead of killing the test. */
    signal(SIGPIPE, SIG_IGN);
    SRunner *runner = srunner_create(pair_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
