/*
 * shimssl differential test: alert, handshake-state and record-state names,
 * and the handshake-state queries before any handshake.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: diff_strings alerts|states
 */
#include "diff_common.h"

#include <limits.h>
#include <string.h>

static void alerts(void)
{
    /* Every description with each level the info callback can report. */
    for (int desc = 0; desc < 256; desc++) {
        int warn = (SSL3_AL_WARNING << 8) | desc, fatal = (SSL3_AL_FATAL << 8) | desc;
        printf("%3d: %s %s | %s %s | %s %s | %s\n", desc, SSL_alert_type_string(warn),
               SSL_alert_type_string_long(warn), SSL_alert_type_string(fatal),
               SSL_alert_type_string_long(fatal), SSL_alert_desc_string(warn),
               SSL_alert_desc_string_long(fatal), SSL_alert_desc_string_long(desc));
    }
    /* Levels stock does not know, and values outside 16 bits. */
    const int odd[] = {0,  0x0300, 0x0314,  0xff00,  0x10100,    0x10228,
                       -1, -256,   INT_MIN, INT_MAX, 0x7fffff02, (int)0x80000100u};
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        printf("value %d: %s %s %s %s\n", odd[i], SSL_alert_type_string(odd[i]),
               SSL_alert_type_string_long(odd[i]), SSL_alert_desc_string(odd[i]),
               SSL_alert_desc_string_long(odd[i]));
    }
    diff_print_errors("alerts");
}

static void show_state(const char *label, const SSL *s)
{
    printf("%s: state %d \"%s\" \"%s\" rstate \"%s\" \"%s\" in_init %d in_before %d"
           " init_finished %d connect_init %d accept_init %d\n",
           label, (int)SSL_get_state(s), SSL_state_string(s), SSL_state_string_long(s),
           SSL_rstate_string(s), SSL_rstate_string_long(s), SSL_in_init(s), SSL_in_before(s),
           SSL_is_init_finished(s), SSL_in_connect_init(s), SSL_in_accept_init(s));
}

static void states(void)
{
    const SSL_METHOD *m[] = {TLS_method(), TLS_client_method(), TLS_server_method()};

    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
        SSL_CTX *ctx = SSL_CTX_new(m[i]);
        SSL *s = SSL_new(ctx);
        SSL *d;

        printf("method %zu\n", i);
        show_state("  fresh", s);
        SSL_set_connect_state(s);
        show_state("  connect state", s);
        SSL_set_accept_state(s);
        show_state("  accept state", s);
        SSL_clear(s);
        show_state("  cleared", s);
        d = SSL_dup(s);
        show_state("  dup", d);
        SSL_free(d);
        SSL_free(s);
        SSL_CTX_free(ctx);
    }
    diff_print_errors("states");
}

int main(int argc, char **argv)
{
    diff_report_lib();
    if (argc < 2)
        return 2;
    if (strcmp(argv[1], "alerts") == 0)
        alerts();
    else if (strcmp(argv[1], "states") == 0)
        states();
    else
        return 2;
    return 0;
}
