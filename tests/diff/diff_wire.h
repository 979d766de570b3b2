/*
 * shimssl - what the differential programs that play a TLS peer themselves
 * share: building and damaging handshake messages, reading them back with
 * bounds checks, the TLS 1.3 key schedule and the TLS 1.2 PRF through
 * libcrypto's EVP_KDF, record protection, and fixed test keys and
 * certificates.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * diff_parse plays the server against the library's client, and
 * diff_accept_parse plays the client against the library's server; both
 * send messages damaged the same ways (cut, one byte longer, claiming 16 MB,
 * a byte altered) through wire_emit() and sweep them with wire_sweep().
 * Nothing here prints: the programs decide what their output shows.
 */
#ifndef SHIM_DIFF_WIRE_H
#define SHIM_DIFF_WIRE_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ building */

/* A byte buffer large enough for any message or flight the programs make. */
#define WIRE_BUF_SIZE 32768
struct buf {
    unsigned char b[WIRE_BUF_SIZE];
    size_t n;
};

/* Appending never runs past the buffer: a message that would is a bug of
 * the program, which stops it (abort) rather than print a wrong result. */
void put(struct buf *o, const void *p, size_t n);
void put_u8(struct buf *o, unsigned v);
void put_u16(struct buf *o, unsigned v);
void put_u24(struct buf *o, size_t v);

/* A handshake message: type, 24-bit length, body. */
void message(struct buf *o, unsigned type, const struct buf *body);

/* A record of `len` bytes of content `type` with that record version. */
void wire_record(struct buf *o, unsigned type, unsigned version, const unsigned char *p,
                 size_t len);

unsigned u16_at(const unsigned char *p);
size_t u24_at(const unsigned char *p);

/* ------------------------------------------------------------- reading */

/* A bounded reader over received bytes: every getter checks the length;
 * once one fails, the reader is bad and every later getter gives 0/NULL. */
struct rd {
    const unsigned char *p;
    size_t n;
    int bad;
};
void rd_init(struct rd *r, const unsigned char *p, size_t n);
unsigned rd_u8(struct rd *r);
unsigned rd_u16(struct rd *r);
size_t rd_u24(struct rd *r);
const unsigned char *rd_bytes(struct rd *r, size_t n);
/* A sub-reader over a vector with a 1-, 2- or 3-byte length. */
int rd_vec(struct rd *r, int len_bytes, struct rd *sub);

/* ------------------------------------------------------------- damaging */

/* How a message is sent: intact, its body cut to `at` bytes (the header
 * saying so), one byte longer (a zero added, the header saying so), with a
 * header claiming 16 MB, or with body byte `at` XORed with `mask`.
 *
 * Out of order (diff_parse's "order" mode): REPLACE sends, instead of the
 * message, a header of type `type` claiming `claim` bytes followed by `at`
 * zero bytes; HELLO_REQ sends an empty HelloRequest before the message;
 * SPLIT sends the message intact, and the caller puts a record of its own
 * after its first `at` bytes (wire_emit says where). */
enum damage_kind { INTACT, CUT, LONGER, HUGE, FLIP, REPLACE, HELLO_REQ, SPLIT };
struct damage {
    enum damage_kind kind;
    size_t at;
    unsigned char mask;
    unsigned type; /* REPLACE */
    size_t claim;  /* REPLACE */
};

/* Appends message `m` (header and body) damaged as `d` says (NULL: intact).
 * Returns the offset in `out` where a SPLIT's record goes, else SIZE_MAX. */
size_t wire_emit(struct buf *out, const struct buf *m, const struct damage *d);

/* Runs one case: message `target` damaged as `d`, printed under `label`
 * (NULL: a quiet run that only measures).  With d->kind LONGER and a NULL
 * label it returns the target's body length; intact, the number of
 * messages the flight has. */
typedef int (*wire_run_fn)(void *arg, int target, const struct damage *d, const char *label);

/* For each message from `first` to `last` (at most count - 1; -1: to the
 * end): one byte longer, claiming 16 MB, then cut to every shorter length;
 * or, with `flip`, each body byte XORed with 0x01 and then 0xff.  The
 * labels are "message M one byte longer", "message M claiming 16 MB",
 * "message M cut to K of N" and "message M byte K of N ^ 0xMM". */
void wire_sweep(void *arg, wire_run_fn run, int count, int first, int last, int flip);

/* ------------------------------------------------------------- keys */

/* Damage to the next MAC-then-encrypt CBC record sealed (then cleared). */
enum cbc_damage { CBC_INTACT, CBC_BAD_PADDING, CBC_BAD_MAC };

/* One direction of record protection with an AEAD: the key, the IV (TLS
 * 1.3: all 12 bytes; TLS 1.2 GCM: the 4-byte implicit part) and the next
 * sequence number.  With `mac` set, a TLS 1.2 CBC suite instead, MAC then
 * encrypt (RFC 5246 6.2.3.2): HMAC over the content, padding, an explicit
 * IV per record. */
struct aead_key {
    const EVP_CIPHER *cipher;
    unsigned char key[32], iv[12];
    size_t key_len, iv_len;
    uint64_t seq;
    const EVP_MD *mac;
    unsigned char mac_key[48];
    size_t mac_key_len;
    int etm; /* encrypt then MAC instead (RFC 7366) */
    enum cbc_damage damage;
};

/* HKDF-Extract with a salt of md's size (NULL: zeros) over ikm (NULL:
 * md-size zeros), as RFC 8446 7.1 uses it. */
void wire_hkdf_extract(const EVP_MD *md, const unsigned char *salt, const unsigned char *ikm,
                       size_t ikm_len, unsigned char *out);
/* HKDF-Expand-Label (RFC 8446 7.1). */
void wire_expand_label(const EVP_MD *md, const unsigned char *secret, const char *label,
                       const unsigned char *context, size_t context_len, unsigned char *out,
                       size_t len);
/* Derive-Secret with a transcript hash already computed. */
void wire_derive_secret(const EVP_MD *md, const unsigned char *secret, const char *label,
                        const unsigned char *hash, unsigned char *out);
/* The traffic key and IV of a TLS 1.3 traffic secret; sequence 0. */
void wire_traffic_key(const EVP_MD *md, const EVP_CIPHER *cipher, const unsigned char *secret,
                      struct aead_key *k);
void wire_hmac(const EVP_MD *md, const unsigned char *key, size_t key_len,
               const unsigned char *data, size_t len, unsigned char *out);
/* The TLS 1.2 PRF (RFC 5246 5) through libcrypto's TLS1-PRF KDF. */
void wire_tls12_prf(const EVP_MD *md, const unsigned char *secret, size_t secret_len,
                    const char *label, const unsigned char *seed, size_t seed_len,
                    unsigned char *out, size_t out_len);

/* TLS 1.3 record protection: the inner plaintext with its content type,
 * sealed under k (RFC 8446 5.2). */
void wire_seal13(struct buf *o, struct aead_key *k, const unsigned char *p, size_t n,
                 unsigned type);
/* Opens one TLS 1.3 record (header included); the inner type and content,
 * padding removed.  0 when it does not open (the sequence number then
 * stays where it was). */
int wire_open13(struct aead_key *k, const unsigned char *rec, size_t len, unsigned char *out,
                size_t *out_len, unsigned *type);
/* TLS 1.2 AEAD records (RFC 5288: an explicit 8-byte nonce, here the
 * sequence number; ChaCha20-Poly1305, RFC 7905: none), or CBC records
 * when the key has a MAC (the explicit IV made from the sequence number,
 * so that every run sends the same bytes). */
void wire_seal12(struct buf *o, struct aead_key *k, unsigned type, const unsigned char *p,
                 size_t n);
int wire_open12(struct aead_key *k, const unsigned char *rec, size_t len, unsigned char *out,
                size_t *out_len);

/* ------------------------------------------------------ keys and names */

/* The P-256 key diff_parse's server signs with (generated for the tests). */
extern const char wire_p256_key_pem[];
EVP_PKEY *wire_key_from_pem(const char *pem);
/* A self-signed certificate for key: serial 1, subject CN=cn, fixed dates
 * (YYYYMMDDHHMMSSZ); ECDSA signatures are made again until they are 72
 * bytes long, so that the certificate has the same size on every run. */
X509 *wire_self_signed(EVP_PKEY *key, const char *cn, const char *not_before,
                       const char *not_after);

#endif
