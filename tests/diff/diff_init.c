/*
 * shimssl differential test: library initialisation and the reason strings.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Modes (argv[1]):
 *   strings  - OPENSSL_init_ssl(0) then the text of every ERR_LIB_SSL reason
 *   noload   - NO_LOAD_SSL_STRINGS first: a later LOAD must not load them
 *   legacy   - SSL_library_init / SSL_load_error_strings / ERR_load_SSL_strings
 *   none     - no initialisation at all: no SSL reason texts
 */
#include "diff_common.h"

#include <string.h>

static void print_reasons(void)
{
    char buf[256];
    int n = 0;
    for (int r = 0; r < 4096; r++) {
        const char *s = ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, r));
        if (s == NULL)
            continue;
        ERR_error_string_n(ERR_PACK(ERR_LIB_SSL, 0, r), buf, sizeof(buf));
        printf("%d %s | %s\n", r, s, buf);
        n++;
    }
    printf("%d reason strings\n", n);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "strings";
    diff_report_lib();
    if (strcmp(mode, "strings") == 0) {
        printf("init: %d\n", OPENSSL_init_ssl(0, NULL));
        print_reasons();
    } else if (strcmp(mode, "noload") == 0) {
        printf("init noload: %d\n", OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_SSL_STRINGS, NULL));
        printf("init load: %d\n", OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL));
        print_reasons();
    } else if (strcmp(mode, "legacy") == 0) {
        printf("SSL_library_init: %d\n", SSL_library_init());
        SSL_load_error_strings();
        printf("ERR_load_SSL_strings: %d\n", ERR_load_SSL_strings());
        print_reasons();
    } else {
        print_reasons();
    }
    diff_print_errors("end");
    return 0;
}
