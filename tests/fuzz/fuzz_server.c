/*
 * shimssl fuzz target: the server, fed a whole client flight.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Input: one byte choosing the server configuration (modulo
 * FUZZ_SERVER_MODES: the default, TLS 1.3 and 1.2; TLS 1.2 only; client
 * certificates required; session ids, our preference and one group), then
 * every byte the client sends, as records: its ClientHello (or an SSL 2.0
 * one), the second one after a HelloRetryRequest, its Certificate,
 * CertificateVerify, key exchange, ChangeCipherSpec and Finished, data,
 * KeyUpdate, alerts and close_notify.  The server's randomness is a fixed
 * stream, so a flight recorded from a real client (record/record_corpus.py)
 * decrypts, and mutations start deep in the handshake.
 */
#include "fuzz.h"

#include <string.h>

static struct fuzz_flight last;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SSL *s;

    if (size < 1)
        return 0;
    s = fuzz_server_new((enum fuzz_server_mode)(data[0] % FUZZ_SERVER_MODES));
    fuzz_flight_run(s, data + 1, size - 1, &last);
    SSL_free(s);
    return 0;
}

/* Seeds named flight-* were recorded from a real client: each must still
 * take the server through its handshake, the client's data and its
 * close_notify, or the recording and the server have drifted apart (another
 * ServerHello, randomness that is not fixed) and the seed no longer
 * reaches past the ClientHello. */
const char *fuzz_replay_check(const char *name)
{
    if (strncmp(name, "flight-", 7) != 0)
        return NULL;
    if (!last.handshake_done)
        return "the recorded flight no longer completes the handshake";
    if (last.app_bytes == 0 || !last.closed)
        return "the recorded flight no longer delivers the client's data and close_notify";
    return NULL;
}
