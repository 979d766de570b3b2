/*
 * shimssl differential test: each handshake call starts with an empty error
 * queue, as stock's state machine does.  A server (ncat -l --keep-open)
 * that leaves an old connection's error on the queue must still get
 * SSL_ERROR_WANT_READ from a new connection that is waiting for its
 * ClientHello (ours said SSL_ERROR_SSL and ncat dropped the connection).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: diff_queue server|client
 */
#include "diff_common.h"

#include <string.h>

int main(int argc, char **argv)
{
    int server;
    SSL_CTX *ctx;
    SSL *s;
    BIO *mine, *theirs;
    int r;

    if (argc < 2)
        return 2;
    server = strcmp(argv[1], "server") == 0;
    diff_report_lib();
    ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    s = SSL_new(ctx);
    BIO_new_bio_pair(&mine, 0, &theirs, 0);
    SSL_set_bio(s, mine, mine);
    if (server)
        SSL_set_accept_state(s);
    else
        SSL_set_connect_state(s);
    /* An error left by something else: two of them, as a failed
     * connection leaves. */
    ERR_raise(ERR_LIB_SSL, SSL_R_UNEXPECTED_EOF_WHILE_READING);
    ERR_raise(ERR_LIB_SYS, 104);
    r = SSL_do_handshake(s);
    printf("handshake with no peer yet: %d, SSL_get_error %d\n", r, SSL_get_error(s, r));
    diff_print_errors("after");
    /* And again, with the queue filled between two calls. */
    ERR_raise(ERR_LIB_SSL, SSL_R_UNEXPECTED_EOF_WHILE_READING);
    r = SSL_do_handshake(s);
    printf("second call: %d, SSL_get_error %d\n", r, SSL_get_error(s, r));
    diff_print_errors("after second");
    SSL_free(s);
    BIO_free(theirs);
    SSL_CTX_free(ctx);
    diff_print_errors("end");
    return 0;
}
