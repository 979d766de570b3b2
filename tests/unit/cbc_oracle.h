/*
 * shimssl unit tests: MAC-then-encrypt CBC records damaged by class, read
 * by our record layer (shared by test_cbc_oracle.c and
 * test_oracle_timing.c).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TESTS_CBC_ORACLE_H
#define SHIM_TESTS_CBC_ORACLE_H

#include <openssl/err.h>
#include <stddef.h>
#include <stdint.h>

/* Every record has this many bytes of body: explicit IV, content, MAC,
 * padding, whatever the class (the length is public; what is inside not). */
#define CBC_ORACLE_RECORD_LEN 672

enum cbc_class {
    CBC_GOOD,         /* 8 bytes of padding, right MAC */
    CBC_BAD_MAC,      /* 8 bytes of padding, one MAC byte altered */
    CBC_BAD_MAC_LONG, /* 256 bytes of padding (a shorter MAC'd content), MAC altered */
    CBC_BAD_PADDING,  /* right MAC, one padding byte disagreeing */
    CBC_PADDING_HUGE, /* right MAC, the padding length byte 255 */
    CBC_BAD_BOTH,     /* padding and MAC both wrong */
    CBC_CLASSES
};

struct cbc_oracle_result {
    int ok;             /* tls_rl_read returned a record */
    size_t content_len; /* its length */
    unsigned long errors[8];
    int num_errors; /* the error queue after it */
    uint8_t alert[16];
    size_t alert_len;     /* what the connection wrote (the alert) */
    uint64_t nanoseconds; /* how long tls_rl_read took */
};

const char *cbc_oracle_name(enum cbc_class k);

/* Builds a record of class k and reads it with a fresh connection. */
void cbc_oracle_read(enum cbc_class k, struct cbc_oracle_result *out);

#endif
