/*
 * shimssl - the differential runner's own test: runs that must fail even
 * though stock's and our outputs are identical.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * run_diff.sh runs this like any differential program; meson expects every
 * mode but "ok" to fail (should_fail), so a runner that lets two identical
 * crashes, two cut-short runs or a sanitizer report pass is caught here.
 *
 * usage: diff_selftest ok|crash|cut|short|status|sanitizer|random
 *   (random prints the process id: two runs differ, which --stock-only
 *   must catch)
 */
#include "diff_common.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    SSL_CTX *ctx;

    diff_report_lib();
    if (strcmp(mode, "short") == 0) {
        printf("one line\n");
        return 0;
    }
    ctx = SSL_CTX_new(TLS_method());
    printf("context made: %d\n", ctx != NULL);
    printf("security level %d\n", SSL_CTX_get_security_level(ctx));
    printf("verify mode %d\n", SSL_CTX_get_verify_mode(ctx));
    if (strcmp(mode, "random") == 0)
        printf("process %d\n", (int)getpid());
    SSL_CTX_free(ctx);
    diff_print_errors("selftest");
    fflush(stdout);
    if (strcmp(mode, "crash") == 0)
        raise(SIGSEGV); /* both runs die the same way */
    if (strcmp(mode, "cut") == 0)
        _exit(0); /* status 0, but the end-of-run line never comes */
    if (strcmp(mode, "status") == 0)
        return 3;
    if (strcmp(mode, "sanitizer") == 0)
        fprintf(stderr, "==1==ERROR: AddressSanitizer: heap-use-after-free (a pretend report)\n");
    return 0;
}
