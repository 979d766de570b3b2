/*
 * shimssl fuzz target: the client, fed a whole server flight.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Input: one byte choosing the client configuration (even: the default,
 * TLS 1.3 and 1.2; odd: TLS 1.2 only), then every byte the server sends, as
 * records: its first flight, the rest of the handshake, tickets, data and
 * close_notify.  The client's randomness is a fixed stream, so a flight
 * recorded from a real server (record/record_corpus.py) decrypts, and
 * mutations start deep in the handshake rather than at the ServerHello.
 */
#include "fuzz.h"

#include <string.h>

static struct fuzz_flight last;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SSL *s;

    if (size < 1)
        return 0;
    s = fuzz_client_new(data[0] % 2 == 0 ? FUZZ_CLIENT_DEFAULT : FUZZ_CLIENT_TLS12_ONLY);
    fuzz_flight_run(s, data + 1, size - 1, &last);
    SSL_free(s);
    return 0;
}

/* Seeds named flight-* were recorded from a real server: each must still
 * take the client through its handshake to the echoed request and the
 * server's close_notify, or the recording and the client have drifted apart
 * (a changed ClientHello, a randomness that is not fixed) and the seed no
 * longer reaches past the ServerHello. */
const char *fuzz_replay_check(const char *name)
{
    if (strncmp(name, "flight-", 7) != 0)
        return NULL;
    if (!last.handshake_done)
        return "the recorded flight no longer completes the handshake";
    if (last.app_bytes == 0 || !last.closed)
        return "the recorded flight no longer delivers the echo and close_notify";
    return NULL;
}
