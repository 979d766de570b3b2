/*
 * shimssl - sealing and opening session tickets (RFC 5077 4's recommended
 * format, as stock writes it): key_name(16) || IV || AES-256-CBC(session)
 * || HMAC-SHA256 over everything before.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The keys are the context's (random per SSL_CTX, or set with
 * SSL_CTX_set_tlsext_ticket_keys), or whatever the application's ticket-key
 * callback puts in the cipher and HMAC contexts it is handed
 * (SSL_CTX_set_tlsext_ticket_key_evp_cb, or the legacy HMAC_CTX form).
 */
#ifndef SHIM_CRYPTO_TICKET_CRYPT_H
#define SHIM_CRYPTO_TICKET_CRYPT_H

#include "objects.h"

enum shim_ticket_seal {
    SHIM_TICKET_SEALED = 1,
    SHIM_TICKET_NONE = 0,    /* the callback declined (returned 0): no ticket */
    SHIM_TICKET_FAILED = -1, /* error raised; *reason says what stock reports */
};

/* The random bytes a ticket sealed under the context's own keys takes (its IV). */
#define SHIM_TICKET_IV_LEN 16

/* Seals plain[0..len) for s's session context into *out (caller frees).
 * iv: SHIM_TICKET_IV_LEN random bytes the caller drew for the context's own
 * keys (NULL: drawn here); the application's callbacks choose their own. */
enum shim_ticket_seal shim_ticket_seal(SSL *s, const uint8_t *plain, size_t len, const uint8_t *iv,
                                       uint8_t **out, size_t *out_len, int *reason);

enum shim_ticket_open {
    SHIM_TICKET_OPENED = 1,       /* *plain holds the session's encoding */
    SHIM_TICKET_OPENED_RENEW = 2, /* ... and the ticket should be replaced */
    SHIM_TICKET_UNREADABLE = 0,   /* not ours, damaged, or the callback declined */
    SHIM_TICKET_ERROR = -1,       /* a callback or internal failure */
};

/* Opens a ticket sealed as above; tls13 makes a ticket under the context's
 * own keys one to renew, as stock does. */
enum shim_ticket_open shim_ticket_open(SSL *s, const uint8_t *tick, size_t len, int tls13,
                                       uint8_t **plain, size_t *plain_len);

#endif
