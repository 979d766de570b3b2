/*
 * shimssl differential test: the server's handshake-message parsers under
 * damaged client messages (the server twin of diff_parse.c).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The program runs a server SSL (SSL_accept over memory BIOs, fixed
 * certificates and keys made for the test, a fixed configuration) and plays
 * the client itself with libcrypto: it builds its ClientHello (its own
 * X25519 or P-256 key share, chosen suites and extensions), reads the
 * server's flight, derives the keys (TLS 1.3 through HKDF, TLS 1.2 through
 * the TLS1-PRF KDF), decrypts and checks what the server sent
 * (CertificateVerify and ServerKeyExchange signatures, Finished), and sends
 * its own messages: the second ClientHello after a HelloRetryRequest,
 * Certificate and CertificateVerify (signed with a client key), the
 * ClientKeyExchange of ECDHE, DHE and RSA, ChangeCipherSpec, Finished, and
 * after the handshake KeyUpdate and the answer to a post-handshake
 * CertificateRequest.
 *
 * One client message at a time is damaged (diff_wire.c): its body cut to
 * every shorter length, one byte longer, a header claiming 16 MB, or with
 * "flip" each body byte altered (low bit, then all bits).  Besides, each
 * mode has its own cases: every ClientHello extension cut, lengthened,
 * doubled and left out, and named cases (versions, suites, compression,
 * key shares, pre_shared_key, ChangeCipherSpec, client certificates,
 * premaster secrets, ...).  For each case every step the client took is
 * printed once the damage is sent: what SSL_accept (or SSL_read after the
 * handshake) returned, SSL_get_error, the error queue, and what the server
 * wrote back, message by message, decrypted when it was sent under a key the
 * program knows.  A damaged ClientHello the server answers normally is
 * followed to the end of the handshake, so that what it negotiated from it
 * shows.  Stock and ours must print the same.
 *
 * Nothing printed varies between runs: the client's random, session id,
 * key shares and DH key are fixed; what the server draws at random (its
 * random, its key share, its signatures, its tickets) is only used, never
 * printed; every client message has the same size on every run (ECDSA
 * signatures are made again until they have 72 bytes).
 *
 * usage: diff_accept_parse MODE [flip]
 *   ch                   TLS 1.3 ClientHello, then the client Finished
 *   psk                  a ClientHello resuming with a ticket the server issued
 *   hrr                  the second ClientHello after a HelloRetryRequest
 *   tls13-client-flight  Certificate, CertificateVerify, Finished (client auth)
 *   tls13-post           KeyUpdate, then the answer to a post-handshake
 *                        CertificateRequest
 *   tls12-ch             a TLS 1.2 ClientHello (no supported_versions)
 *   tls12-ecdhe          ClientKeyExchange (X25519) and Finished
 *   tls12-rsa            ClientKeyExchange with an RSA-encrypted premaster
 *   tls12-dhe            ClientKeyExchange with a DH public value
 *   tls12-client-auth    Certificate, ClientKeyExchange, CertificateVerify,
 *                        Finished (a P-256 client key, ecdsa_secp256r1_sha256)
 *   tls12-cv-rsa         the CertificateVerify of an RSA client key
 *                        (rsa_pss_rsae_sha256)
 *   tls12-cv-ed25519     the CertificateVerify of an Ed25519 client key
 *   tls12-cbc            the Finished of a CBC suite without encrypt_then_mac
 *                        (MAC then encrypt), and records with a bad padding
 *                        or a bad MAC
 *   tls12-reneg          the ClientHello of a client-initiated renegotiation
 *                        (allowed by the server), followed to the server's
 *                        ServerHelloDone
 */
#include "diff_common.h"
#include "diff_wire.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <string.h>

/* ------------------------------------------------------------ fixed keys */

/* Generated for this test with openssl genpkey. */
static const char server_rsa_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDJRqbg+sMz0Kll\n"
    "SI3/93/BmwiqxrFLC04XF1RNVnSJPxJn2vhdUwjbe1ECJA8nNYIgAB9Y3q10rLKI\n"
    "76RlApS49TU7IVODqooKHd2iEY9xPpeG3P33AP2ntqj+1gHYPsTLmjwTCO5i7nEA\n"
    "m3c4BPVsplECTAovteTNvebNLhPt9u7rSOmXWFHczZbmAZk8mebMXXVXaalstiyf\n"
    "KwnFKQqr07mPakrZ3LI/SFCsoy5HxNzOWpAqecOf3FwdP0z/4piby0rWUcC+O/EH\n"
    "UwIZslgDUQHQtt8lWMPdyCnaySe4wWI28vihoZwKelnYExgBVuRZZh1ihFygDcr/\n"
    "QiGleeX/AgMBAAECggEAUeuxrEwj+wjoiVK4iQABPZmOM4PfUT3usLNMGpYfpGTJ\n"
    "Zv/WqpVLO5m7ZPWsPTcoGUIzgAZR7vUDTXzMGlisk4MqAUEVLrfQq0FwnbAsA9mH\n"
    "7tove8MpeoN70Qzlf1A85OmHne+6pwWJdMfSBDjwcyJWQmsUkkqkL6ElOUmRzv5C\n"
    "gK8BLJkagOUIgN2TGFjLZZsWffTYePoR5rtCmB5RvRkU2bY08jbfN60AxKbrGxKl\n"
    "CMWoAPqcwjLzpieb1O9XXA5d67/g5QKU4lJbSLYuD5maJYRPFYIX+wrXuVN+6/f2\n"
    "Wuf5vr9hzArnWu+djE94i0r4+/FXwzo+rUi5GCPhcQKBgQD8D2U3YVop/ObmEnGE\n"
    "qnbwTpIE00fQlomUBWdiVGa9UXb+VR3xI4xtw47iRcmvHptfltSuZzVcjEjmCGvM\n"
    "syINHoT2i3rzAFNPdveVudIRmiwKAQFrMc50HmhBkuGxU8X4h+wwx6tjGJ0vK9vt\n"
    "M49uUahybmH1nmsqGiQcllwPWwKBgQDMbAvpEr+lrUUYnP3RI/qoCelYDVLAROJX\n"
    "rSizmMCEt1VmQ6e2A/olcK9tMh/sqrDA2HHkijbuMxPMcm1AQtEz/ITnftvTlnML\n"
    "ljztPNTng53+QANDN7pSigFim3Jy9rgYBWFfnfyXASLeVjundH6ls91WH5aNbcJR\n"
    "5N+dNRMJLQKBgQChpI3YUgosWw8IBFPgLCFSQlDJ32Ryk9duoXiHSnEIf7G7sIIf\n"
    "Hhj0WzDKUs7gCtTBHE0P+wfxbdViD4xyHX58w1GpehFCvLawgy6LSjs5JpGPaM2s\n"
    "HKi1NrrNMpCh04NlumTxc1qpliNXGN1U5Hfa22sW10ri5ND8kv8Nhi9LeQKBgQCG\n"
    "lV/mC/Tm08OY58rnRUPCG/xnfyYK9Y764ELasueUuMrdsA8bc1TeD2k/f++qtdn2\n"
    "rMmXCDQP8MrJIFCzLQpkqoypiEib7gJCD6B/JDybS3jaKjS7rVXa/4bX77WS4MHk\n"
    "9q3b8LyagiH9tVJC9hxnZZqEF/nblPaJSiC6dHXa5QKBgARvvrPQ/wvELj7YzW3t\n"
    "a5IOHQ53AMb/u09EYEB/gz4RsoyNA0765XviJXtr1CvhOrlHHy4eS+QJ5PZjOXIz\n"
    "MB8GmOMtk1nSOuy3Xamlo7T+Mnyn1Oy6Ms0n3FqSo0iRtRl0eeugz9Ilkg2aJoYw\n"
    "+mxM3yjjNQVMuswRJDzzIXXV\n"
    "-----END PRIVATE KEY-----\n";

static const char client_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgyxeybAWyaSX9CJd7\n"
    "6H/sx+soKQpSyIL/j1pbGakaUGOhRANCAASP2+FNoV/y/3KfXkLY4En8571C+trq\n"
    "gUEaoDbSAFRuWzXn67D5BCvvrdrisdwre/FPGSodmO59IiQB7tmHDN1S\n"
    "-----END PRIVATE KEY-----\n";

/* The client's key shares and DH exponent: fixed, so that an altered byte of
 * a share means the same in every run. */
static const char p256_share_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgM7Ca1r12XKhNwC2x\n"
    "UHzOCPvTEqZrnAm3noOsGNhoBQKhRANCAASxmywdEV4a7TUaficRSu4RZkejkxXL\n"
    "Aor6h69GfCdVrrFIRAp8s/IukKsjtqRVWmZQU4yLQRP4hmInnogAF0a1\n"
    "-----END PRIVATE KEY-----\n";
static const unsigned char x25519_share_priv[32] = {
    0xc9, 0xc9, 0x9e, 0x04, 0x53, 0xe4, 0xf5, 0xe2, 0x58, 0xad, 0x82, 0x54, 0xf7, 0xf5, 0x91, 0x87,
    0xd2, 0x1c, 0x91, 0xed, 0xd8, 0x2d, 0x4f, 0x41, 0xde, 0x14, 0xf2, 0xf6, 0x4d, 0x40, 0xe4, 0x82};
static const unsigned char ed25519_client_priv[32] = {
    0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a, 0x92, 0xb7, 0x0a, 0xa7, 0x4d, 0x1b, 0x7e, 0xbc,
    0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4, 0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c};
static const unsigned char dh_exponent[32] = {
    0x1e, 0xe1, 0xf2, 0xeb, 0xfb, 0x70, 0x68, 0x5a, 0xba, 0x40, 0x67, 0xfe, 0xdc, 0xb9, 0x88, 0xaa,
    0xdf, 0x2a, 0x06, 0xbe, 0x1e, 0x5b, 0x41, 0xbf, 0x72, 0xfd, 0x1b, 0xe6, 0x6f, 0x89, 0x4e, 0x2d};

static EVP_PKEY *server_ec_key, *server_rsa_key, *client_key, *other_client_key;
static X509 *server_ec_cert, *server_rsa_cert, *client_cert, *other_client_cert;
static EVP_PKEY *x25519_share, *p256_share;
static unsigned char x25519_pub[32], p256_pub[65];

static const unsigned char client_random[32] = {
    0xc1, 0x1e, 0x47, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
    0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c};
static const unsigned char client_sid[32] = {
    0x5e, 0x55, 0x10, 0x4e, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c,
    0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c};

/* The fixed random that marks a HelloRetryRequest (RFC 8446 4.1.3). */
static const unsigned char hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* ---------------------------------------------------------------- suites */

enum kx { KX_TLS13, KX_ECDHE, KX_DHE, KX_RSA };

/* The suites the client can follow: AEAD, and a few CBC ones (TLS 1.2,
 * `mac` set). */
struct suite {
    unsigned id;
    const EVP_MD *(*md)(void);
    const EVP_CIPHER *(*cipher)(void);
    enum kx kx;
    const EVP_MD *(*mac)(void);
};
static const struct suite suites[] = {
    {0x1301, EVP_sha256, EVP_aes_128_gcm, KX_TLS13},
    {0x1302, EVP_sha384, EVP_aes_256_gcm, KX_TLS13},
    {0x1303, EVP_sha256, EVP_chacha20_poly1305, KX_TLS13},
    {0xc02b, EVP_sha256, EVP_aes_128_gcm, KX_ECDHE},
    {0xc02c, EVP_sha384, EVP_aes_256_gcm, KX_ECDHE},
    {0xc02f, EVP_sha256, EVP_aes_128_gcm, KX_ECDHE},
    {0xc030, EVP_sha384, EVP_aes_256_gcm, KX_ECDHE},
    {0xcca8, EVP_sha256, EVP_chacha20_poly1305, KX_ECDHE},
    {0xcca9, EVP_sha256, EVP_chacha20_poly1305, KX_ECDHE},
    {0x009e, EVP_sha256, EVP_aes_128_gcm, KX_DHE},
    {0x009f, EVP_sha384, EVP_aes_256_gcm, KX_DHE},
    {0x009c, EVP_sha256, EVP_aes_128_gcm, KX_RSA},
    {0x009d, EVP_sha384, EVP_aes_256_gcm, KX_RSA},
    {0xc009, EVP_sha256, EVP_aes_128_cbc, KX_ECDHE, EVP_sha1},
    {0xc023, EVP_sha256, EVP_aes_128_cbc, KX_ECDHE, EVP_sha256},
    {0xc024, EVP_sha384, EVP_aes_256_cbc, KX_ECDHE, EVP_sha384},
};

static const struct suite *find_suite(unsigned id)
{
    for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
        if (suites[i].id == id)
            return &suites[i];
    return NULL;
}

/* ------------------------------------------------------------------ modes */

/* How the server is configured. */
enum {
    SRV_EC = 1,        /* the P-256 certificate */
    SRV_RSA = 2,       /* the RSA-2048 certificate */
    SRV_DHE = 4,       /* DHE with automatic parameters */
    SRV_AUTH = 8,      /* a client certificate required */
    SRV_PHA = 16,      /* a client certificate asked for after the handshake */
    SRV_P256 = 32,     /* P-256 as its only group: an X25519 share gets a retry */
    SRV_STATEFUL = 64, /* TLS 1.3 tickets naming a session in the server's cache */
    SRV_RENEG = 128,   /* client-initiated renegotiation allowed */
};

struct variant;

/* The client certificate's key (TLS 1.2 client authentication). */
enum client_key_kind { CK_P256, CK_RSA, CK_ED25519 };

struct mode {
    const char *name;
    int tls13;          /* the ClientHello offers TLS 1.3 */
    int first, last;    /* the client messages the sweep damages */
    unsigned server;    /* SRV_* */
    unsigned suites[8]; /* the client's, in its order; 0 ends */
    int psk;            /* the ClientHello resumes with a ticket */
    int post;           /* KeyUpdate and post-handshake authentication */
    int hello_cases;    /* extension cases on ClientHello 0, 1 or 2, the
                           renegotiation one (-1: none) */
    const struct variant *variants;
    size_t num_variants;
    enum client_key_kind ckey; /* the client certificate's key */
    int reneg;                 /* TLS 1.2: a renegotiation ClientHello after the data */
    int mte;                   /* TLS 1.2 CBC: no encrypt_then_mac offered */
};

/* ------------------------------------------------------------ ClientHello */

struct ext {
    unsigned type;
    size_t len;
    unsigned char body[1024];
    size_t binders_at; /* pre_shared_key: where its binders begin (0: none) */
};

/* How the ClientHello travels. */
enum framing {
    FR_ONE,         /* one record */
    FR_SPLIT,       /* two records, split in the middle */
    FR_BYTES,       /* one record per byte */
    FR_CCS_FIRST,   /* after a ChangeCipherSpec record */
    FR_ALERT_FIRST, /* after a warning alert */
    FR_DATA_FIRST,  /* after an application-data record */
    FR_EMPTY_FIRST, /* after an empty handshake record */
    FR_TWICE,       /* the message twice, in one record */
    FR_TRAILER,     /* followed by a few bytes of a next message in its record */
    FR_SSLV2,       /* in the SSL 2.0 compatible format */
};

struct hello {
    unsigned record_version, version;
    unsigned char random[32];
    unsigned char sid[40];
    size_t sid_len;
    unsigned char suites[128];
    size_t suites_len;
    unsigned char comp[8];
    size_t comp_len;
    int no_exts;      /* no extensions block at all */
    int exts_trailer; /* a byte after the last extension, inside the block */
    struct ext ext[32];
    size_t num_ext;
    enum framing framing;
};

/* ---------------------------------------------------------------- client */

/* Changes to the client's later messages, one per named case. */
enum tweak {
    T_NONE,
    TP_BAD_BINDER, /* pre_shared_key's binder altered */
    /* TLS 1.3 handshake */
    T13_NO_CCS,
    T13_CCS_TWICE,
    T13_CCS_BAD,
    T13_CCS_LONG,
    T13_CCS_AFTER_FINISHED,
    T13_FINISHED_PLAIN,
    T13_DATA_BEFORE_FINISHED,
    T13_WARNING_BEFORE_FINISHED,
    T13_EMPTY_RECORD_BEFORE_FINISHED,
    T13_KEY_UPDATE_BEFORE_FINISHED,
    T13_FINISHED_TWICE,
    T13_FINISHED_SPLIT,
    /* TLS 1.3 client certificates */
    T13_EMPTY_CERT,
    T13_NO_CERT,
    T13_NO_CV,
    T13_CV_BEFORE_CERT,
    T13_CV_P384_SCHEME,
    T13_CV_PSS_SCHEME,
    T13_CV_WRONG_CONTEXT,
    T13_CERT_CONTEXT,
    T13_CERT_UNTRUSTED,
    T13_CERT_EXTENSION,
    T13_CERT_TWO,
    /* TLS 1.3 after the handshake */
    T13P_KU_REQUESTED,
    T13P_KU_BAD,
    T13P_KU_THEN_MESSAGE,
    T13P_KU_TWICE,
    T13P_PHA_WRONG_CONTEXT,
    T13P_PHA_EMPTY_CERT,
    T13P_PHA_UNSOLICITED,
    T13P_PHA_NO_EXTENSION,
    T13P_FINISHED,
    T13P_CLIENT_HELLO,
    T13P_TICKET,
    T13P_CCS,
    T13P_WARNINGS,
    /* TLS 1.2 */
    T12_NO_CCS,
    T12_CCS_TWICE,
    T12_CCS_BAD,
    T12_CCS_LONG,
    T12_CCS_EMPTY,
    T12_CCS_EARLY,
    T12_FINISHED_PLAIN,
    T12_DATA_BEFORE_FINISHED,
    T12_CKE_TWICE,
    T12_WARNINGS,
    T12_EMPTY_RECORDS,
    T12_RENEGOTIATE,
    T12_EMPTY_CERT,
    T12_NO_CERT,
    T12_NO_CV,
    T12_UNSOLICITED_CERT,
    T12_CV_P384_SCHEME,
    T12_CV_SHA1_SCHEME,
    T12_CERT_UNTRUSTED,
    T12_CERT_TRAILING,       /* a byte after the list, inside the message */
    T12_CERT_LIST_LONGER,    /* the list claims a byte more than it holds */
    T12_CERT_LIST_SHORTER,   /* the list claims a byte less */
    T12_CERT_ENTRY_LONGER,   /* the entry claims a byte more than the list holds */
    T12_CERT_ENTRY_SHORTER,  /* the entry claims a byte less: one byte left over */
    T12_CERT_ENTRY_EMPTY,    /* an entry of no bytes */
    T12_CERT_DER_TRAILING,   /* a byte after the DER, inside the entry */
    T12_CERT_GARBAGE,        /* an entry that is no certificate */
    T12_CERT_GARBAGE_SECOND, /* the certificate, then an entry that is none */
    /* CertificateVerify: the scheme announced, and what was signed */
    T12_CV_AS_PKCS1,   /* RSA: PSS signature announced as rsa_pkcs1_sha256 */
    T12_CV_PKCS1,      /* RSA: a PKCS #1 v1.5 signature, rsa_pkcs1_sha256 */
    T12_CV_PKCS1_SHA1, /* RSA: rsa_pkcs1_sha1 */
    T12_CV_AS_PSS_PSS, /* RSA: rsa_pss_rsae signature as rsa_pss_pss_sha256 */
    T12_CV_PSS_SHA384, /* RSA: rsa_pss_rsae_sha384 */
    T12_CV_AS_ED25519, /* the key's own signature announced as ed25519 */
    T12_CV_AS_ED448,   /* Ed25519: announced as ed448 */
    T12_CV_AS_ECDSA,   /* Ed25519 or RSA: announced as ecdsa_secp256r1_sha256 */
    T12_CV_OTHER_DATA, /* a signature over another transcript */
    T12_CV_SIG_EMPTY,  /* an empty signature */
    T12_PMS_VERSION,
    T12_PMS_OTHER,
    T12_PMS_SHORT,
    T12_PMS_LONG,
    T12_RSA_ZEROS,
    T12_RSA_OVER_MODULUS,
    T12_RSA_BLOCK_TYPE_1,
    T12_RSA_NO_SEPARATOR,
    T12_RSA_SHORT_PADDING,
    T12_RSA_SHORT,
    T12_RSA_NO_LENGTH,
    T12_SSLV2_SPLIT,
    T12_DH_ZERO,
    T12_DH_ONE,
    T12_DH_P_MINUS_1,
    T12_DH_P,
    T12_DH_EMPTY,
    T12_DH_LEADING_ZERO,
    T12_EC_EMPTY,
    T12_EC_X25519_ZERO,
    T12_EC_X25519_SHORT,
    T12_EC_P256_OFF_CURVE,
    T12_EC_P256_COMPRESSED,
    T12_EC_P256_INFINITY,
    /* TLS 1.2 CBC, MAC then encrypt */
    T12_CBC_FIN_BAD_PADDING,
    T12_CBC_FIN_BAD_MAC,
    T12_CBC_DATA_BAD_PADDING,
    T12_CBC_DATA_BAD_MAC,
};

/* A named case: an edit of a ClientHello and/or a tweak of what follows. */
struct variant {
    const char *label;
    void (*edit)(struct hello *h);
    int which; /* the ClientHello `edit` changes: 0 the first, 1 the second,
                  2 the renegotiation one */
    enum tweak tweak;
};

/* An extension-level case: the extension of that type in the ClientHello. */
enum ext_edit_kind { EE_NONE, EE_CUT, EE_LONGER, EE_TWICE, EE_OUT };
struct ext_edit {
    enum ext_edit_kind kind;
    unsigned type;
    size_t len;
    int which;
};

struct client {
    const struct mode *mode;
    /* the case */
    const char *label; /* NULL: a quiet run that measures */
    int target;        /* the client message damaged (-1: none) */
    const struct damage *dmg;
    const struct variant *v;
    struct ext_edit ee;
    int msg_no;        /* the next client message's number */
    int damaged;       /* the target has been sent */
    int damaged_hello; /* ... and it was a ClientHello */
    size_t target_body;
    /* what the server chose */
    int version;
    const struct suite *suite;
    const EVP_MD *md;
    const EVP_CIPHER *cipher;
    size_t hl;
    unsigned group;
    int hrr;
    unsigned char cookie[512];
    size_t cookie_len;
    int psk_accepted;
    unsigned char server_random[32];
    int ems;
    int etm; /* the server agreed to encrypt_then_mac */
    /* the handshake so far */
    struct buf transcript;
    struct hello hello; /* the last ClientHello, as built */
    int ccs_sent;
    int done; /* the handshake completed (our Finished accepted) */
    /* TLS 1.2 renegotiation (RFC 5746): both Finished's verify_data */
    unsigned char verify_client[12], verify_server[12];
    int renegotiating;
    /* TLS 1.3 secrets and record keys */
    unsigned char hs[EVP_MAX_MD_SIZE], master[EVP_MAX_MD_SIZE];
    unsigned char c_hs[EVP_MAX_MD_SIZE], s_hs[EVP_MAX_MD_SIZE];
    unsigned char c_ap[EVP_MAX_MD_SIZE], s_ap[EVP_MAX_MD_SIZE];
    struct aead_key rd, wr;
    int rd_on;
    int epoch; /* of the server's records: 0 clear, 1 handshake, 2 application */
    /* what came from the server */
    struct buf hs_in;
    int broken;      /* something the client could not follow */
    int alert;       /* the server sent an alert */
    int flight_done; /* TLS 1.3: its Finished checked; TLS 1.2: ServerHelloDone */
    int finished_ok; /* its Finished was right */
    EVP_PKEY *server_pub;
    int cert_requested;
    unsigned char cr_ctx[256];
    size_t cr_ctx_len;
    int pha_requested;
    /* TLS 1.2 */
    unsigned ske_group;
    unsigned char ske_point[256];
    size_t ske_point_len;
    BIGNUM *dh_p, *dh_g, *dh_ys;
    unsigned char master12[48];
    /* the server's first TLS 1.3 ticket, and the resumption secret */
    int have_ticket;
    unsigned char ticket[2048];
    size_t ticket_len;
    unsigned char nonce[256];
    size_t nonce_len;
    uint32_t age_add;
    unsigned char res_master[EVP_MAX_MD_SIZE];
};

/* The ticket the psk mode resumes with: the PSK derived from it (RFC 8446
 * 4.6.1) and its hash. */
static struct {
    int have;
    unsigned char ticket[2048];
    size_t ticket_len;
    uint32_t age_add;
    unsigned char psk[EVP_MAX_MD_SIZE];
    const EVP_MD *md;
} resume;

static int printing(const struct client *c)
{
    return c->label != NULL && (c->target < 0 || c->damaged);
}

/* One line about what the server wrote, under the step that made it. */
static void say(const struct client *c, const char *fmt, ...)
{
    va_list ap;

    if (!printing(c))
        return;
    va_start(ap, fmt);
    printf("    ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static void transcript_hash(const struct client *c, unsigned char *out)
{
    EVP_Digest(c->transcript.b, c->transcript.n, out, NULL, c->md, NULL);
}

/* The types of the extensions in a block, for a summary line. */
static void ext_types(struct rd *r, char *out, size_t out_size)
{
    size_t n = 0;

    out[0] = 0;
    while (r->n > 0 && !r->bad && n + 8 < out_size) {
        struct rd body;
        unsigned type = rd_u16(r);
        if (!rd_vec(r, 2, &body))
            break;
        n += (size_t)snprintf(out + n, out_size - n, " %u", type);
    }
    if (r->bad)
        snprintf(out + n, out_size - n, " (malformed)");
    if (n == 0 && !r->bad)
        snprintf(out, out_size, " none");
}

static int use_suite(struct client *c, unsigned id)
{
    const struct suite *s = find_suite(id);

    if (s == NULL) {
        say(c, "suite 0x%04x: the client cannot follow it", id);
        c->broken = 1;
        return 0;
    }
    c->suite = s;
    c->md = s->md();
    c->cipher = s->cipher();
    c->hl = (size_t)EVP_MD_get_size(c->md);
    return 1;
}

/* -------------------------------------------------- building a ClientHello */

static struct ext *find_ext(struct hello *h, unsigned type)
{
    for (size_t i = 0; i < h->num_ext; i++)
        if (h->ext[i].type == type)
            return &h->ext[i];
    return NULL;
}

/* Sets an extension's body, adding it where it is missing: at the end, but
 * before pre_shared_key, which stays last (RFC 8446 4.2.11). */
static struct ext *set_ext(struct hello *h, unsigned type, const void *body, size_t len)
{
    struct ext *e = find_ext(h, type);

    if (e == NULL) {
        size_t at = h->num_ext;
        if (type != 41 && at > 0 && h->ext[at - 1].type == 41)
            at--;
        memmove(&h->ext[at + 1], &h->ext[at], (h->num_ext - at) * sizeof(h->ext[0]));
        h->num_ext++;
        e = &h->ext[at];
        e->type = type;
    }
    e->len = len;
    if (len > 0)
        memcpy(e->body, body, len);
    e->binders_at = 0;
    return e;
}

static void set_ext_buf(struct hello *h, unsigned type, const struct buf *b)
{
    set_ext(h, type, b->b, b->n);
}

static void del_ext(struct hello *h, unsigned type)
{
    struct ext *e = find_ext(h, type);

    if (e != NULL) {
        size_t at = (size_t)(e - h->ext);
        memmove(&h->ext[at], &h->ext[at + 1], (h->num_ext - at - 1) * sizeof(h->ext[0]));
        h->num_ext--;
    }
}

static void set_suites(struct hello *h, const unsigned *ids, size_t n)
{
    h->suites_len = 0;
    for (size_t i = 0; i < n; i++) {
        h->suites[h->suites_len++] = (unsigned char)(ids[i] >> 8);
        h->suites[h->suites_len++] = (unsigned char)ids[i];
    }
}

static void u16_list(struct buf *b, int len_bytes, const unsigned *v, size_t n)
{
    if (len_bytes == 1)
        put_u8(b, (unsigned)(2 * n));
    else
        put_u16(b, (unsigned)(2 * n));
    for (size_t i = 0; i < n; i++)
        put_u16(b, v[i]);
}

#define LIST(...)                                                                                  \
    (const unsigned[]){__VA_ARGS__}, sizeof((const unsigned[]){__VA_ARGS__}) / sizeof(unsigned)

static void set_u16_list_ext(struct hello *h, unsigned type, int len_bytes, const unsigned *v,
                             size_t n)
{
    struct buf b;
    b.n = 0;
    u16_list(&b, len_bytes, v, n);
    set_ext_buf(h, type, &b);
}

/* One key_share entry: the client's own key for X25519 and P-256, eight
 * bytes it has no key for otherwise. */
static void key_share_entry(struct buf *b, unsigned group)
{
    put_u16(b, group);
    if (group == 0x001d) {
        put_u16(b, 32);
        put(b, x25519_pub, 32);
    } else if (group == 0x0017) {
        put_u16(b, 65);
        put(b, p256_pub, 65);
    } else {
        put_u16(b, 8);
        put(b, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    }
}

static void set_key_share(struct hello *h, const unsigned *groups, size_t n)
{
    struct buf b, list;

    list.n = 0;
    for (size_t i = 0; i < n; i++)
        key_share_entry(&list, groups[i]);
    b.n = 0;
    put_u16(&b, (unsigned)list.n);
    put(&b, list.b, list.n);
    set_ext_buf(h, 51, &b);
}

/* pre_shared_key (RFC 8446 4.2.11): identities, then binders of `binder_len`
 * bytes (filled in once the message is built, for the identities that are
 * the ticket).  `ids` lists the identities: 1 the ticket, 0 an unknown one. */
static void set_psk(struct hello *h, const int *ids, size_t num_ids, size_t num_binders,
                    size_t binder_len)
{
    struct buf b, list;
    struct ext *e;

    list.n = 0;
    for (size_t i = 0; i < num_ids; i++) {
        if (ids[i]) {
            put_u16(&list, (unsigned)resume.ticket_len);
            put(&list, resume.ticket, resume.ticket_len);
            put_u16(&list, resume.age_add >> 16);
            put_u16(&list, resume.age_add & 0xffff);
        } else {
            put_u16(&list, 16);
            put(&list, "unknown ticket..", 16);
            put_u16(&list, 0), put_u16(&list, 1000);
        }
    }
    b.n = 0;
    put_u16(&b, (unsigned)list.n);
    put(&b, list.b, list.n);
    list.n = 0;
    for (size_t i = 0; i < num_binders; i++) {
        put_u8(&list, (unsigned)binder_len);
        for (size_t j = 0; j < binder_len; j++)
            put_u8(&list, 0);
    }
    e = set_ext(h, 41, NULL, 0);
    /* (set_ext keeps it last only when it is added last) */
    e->binders_at = b.n;
    put_u16(&b, (unsigned)list.n);
    put(&b, list.b, list.n);
    e->len = b.n;
    memcpy(e->body, b.b, b.n);
}

/* The ClientHello of the mode: TLS 1.3 (with a 32-byte session id, as in
 * middlebox-compatibility mode) or TLS 1.2 (no supported_versions, an
 * empty session id), extensions in the order stock's client sends them. */
static void hello_default(const struct mode *m, struct hello *h)
{
    static const unsigned char sni[] = "\x00\x0e\x00\x00\x0b"
                                       "accept.test";
    static const unsigned char alpn[] = "\x00\x0c\x02h2\x08http/1.1";
    size_t n = 0;

    memset(h, 0, sizeof(*h));
    h->record_version = 0x0301;
    h->version = 0x0303;
    memcpy(h->random, client_random, 32);
    if (m->tls13) {
        memcpy(h->sid, client_sid, 32);
        h->sid_len = 32;
    }
    while (n < 8 && m->suites[n] != 0)
        n++;
    set_suites(h, m->suites, n);
    h->comp[0] = 0;
    h->comp_len = 1;
    set_ext(h, 0, sni, sizeof(sni) - 1);
    set_ext(h, 11, "\x03\x00\x01\x02", 4);
    set_u16_list_ext(h, 10, 2, LIST(0x001d, 0x0017, 0x001e, 0x0018, 0x0019, 0x0100));
    set_ext(h, 35, NULL, 0);
    set_ext(h, 16, alpn, sizeof(alpn) - 1);
    set_ext(h, 22, NULL, 0);
    set_ext(h, 23, NULL, 0);
    set_u16_list_ext(h, 13, 2,
                     LIST(0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0401,
                          0x0501, 0x0601));
    set_ext(h, 5, "\x01\x00\x00\x00\x00", 5);
    if (m->mte)
        del_ext(h, 22);
    if (m->tls13) {
        set_u16_list_ext(h, 43, 1, LIST(0x0304, 0x0303));
        set_ext(h, 45, "\x01\x01", 2);
        set_key_share(h, LIST(0x001d));
        set_ext(h, 49, NULL, 0);
        if (m->psk && resume.have)
            set_psk(h, (const int[]){1}, 1, 1, (size_t)EVP_MD_get_size(resume.md));
    }
}

/* Serializes the ClientHello as a handshake message; *binders_at is where
 * pre_shared_key's binders vector begins in it (0: none). */
static void hello_serialize(const struct hello *h, struct buf *m, size_t *binders_at)
{
    static struct buf b;

    b.n = 0;
    *binders_at = 0;
    put_u16(&b, h->version);
    put(&b, h->random, 32);
    put_u8(&b, (unsigned)h->sid_len);
    put(&b, h->sid, h->sid_len);
    put_u16(&b, (unsigned)h->suites_len);
    put(&b, h->suites, h->suites_len);
    put_u8(&b, (unsigned)h->comp_len);
    put(&b, h->comp, h->comp_len);
    if (!h->no_exts) {
        size_t at = b.n;
        put_u16(&b, 0);
        for (size_t i = 0; i < h->num_ext; i++) {
            const struct ext *e = &h->ext[i];
            put_u16(&b, e->type);
            put_u16(&b, (unsigned)e->len);
            if (e->binders_at != 0 && e->binders_at < e->len)
                *binders_at = 4 + b.n + e->binders_at;
            put(&b, e->body, e->len);
        }
        if (h->exts_trailer)
            put_u8(&b, 0);
        b.b[at] = (unsigned char)((b.n - at - 2) >> 8);
        b.b[at + 1] = (unsigned char)(b.n - at - 2);
    }
    m->n = 0;
    message(m, 1, &b);
}

/* The binders of the ticket's identities (RFC 8446 4.2.11.2): an HMAC
 * under the binder key over the transcript so far and the ClientHello up
 * to its binders. */
static void fill_binders(const struct client *c, struct buf *m, size_t binders_at)
{
    const EVP_MD *md = resume.md;
    size_t hl = (size_t)EVP_MD_get_size(md);
    unsigned char early[EVP_MAX_MD_SIZE], empty[EVP_MAX_MD_SIZE], bkey[EVP_MAX_MD_SIZE];
    unsigned char fkey[EVP_MAX_MD_SIZE], th[EVP_MAX_MD_SIZE], binder[EVP_MAX_MD_SIZE];
    EVP_MD_CTX *h = EVP_MD_CTX_new();
    const struct ext *e = NULL;
    struct rd ids, binders, all;

    for (size_t k = 0; k < c->hello.num_ext; k++)
        if (c->hello.ext[k].type == 41)
            e = &c->hello.ext[k];
    if (e == NULL || binders_at >= m->n) {
        EVP_MD_CTX_free(h);
        return;
    }
    wire_hkdf_extract(md, NULL, resume.psk, hl, early);
    EVP_Digest("", 0, empty, NULL, md, NULL);
    wire_derive_secret(md, early, "res binder", empty, bkey);
    wire_expand_label(md, bkey, "finished", NULL, 0, fkey, hl);
    EVP_DigestInit_ex(h, md, NULL);
    EVP_DigestUpdate(h, c->transcript.b, c->transcript.n);
    EVP_DigestUpdate(h, m->b, binders_at);
    EVP_DigestFinal_ex(h, th, NULL);
    EVP_MD_CTX_free(h);
    wire_hmac(md, fkey, hl, th, hl, binder);
    /* Which identities are the ticket: compared with it. */
    rd_init(&all, e->body, e->len);
    rd_vec(&all, 2, &ids);
    rd_init(&all, m->b + binders_at, m->n - binders_at);
    rd_vec(&all, 2, &binders);
    while (ids.n > 0 && binders.n > 0 && !ids.bad && !binders.bad) {
        struct rd id, b;
        rd_vec(&ids, 2, &id);
        rd_u16(&ids), rd_u16(&ids);
        size_t at = (size_t)(binders.p - m->b);
        rd_vec(&binders, 1, &b);
        if (!b.bad && b.n == hl && id.n == resume.ticket_len &&
            memcmp(id.p, resume.ticket, id.n) == 0)
            memcpy(m->b + at + 1, binder, hl);
    }
}

/* The SSL 2.0 compatible ClientHello (RFC 5246 E.2): the suites as 3-byte
 * specs, no session id, the random as a 32-byte challenge. */
static void hello_sslv2(const struct hello *h, struct buf *msg)
{
    msg->n = 0;
    put_u8(msg, 1);
    put_u16(msg, h->version);
    put_u16(msg, (unsigned)(h->suites_len / 2 * 3));
    put_u16(msg, 0);
    put_u16(msg, 32);
    for (size_t i = 0; i + 1 < h->suites_len; i += 2) {
        put_u8(msg, 0);
        put(msg, h->suites + i, 2);
    }
    put(msg, h->random, 32);
}

/* Puts the ClientHello `m` (as sent, damaged or not) into records. */
static void frame_hello(struct buf *out, const struct hello *h, const struct buf *m)
{
    unsigned v = h->record_version;

    switch (h->framing) {
    case FR_SPLIT:
        wire_record(out, 22, v, m->b, m->n / 2);
        wire_record(out, 22, v, m->b + m->n / 2, m->n - m->n / 2);
        return;
    case FR_BYTES:
        for (size_t i = 0; i < m->n; i++)
            wire_record(out, 22, v, m->b + i, 1);
        return;
    case FR_CCS_FIRST:
        wire_record(out, 20, v, (const unsigned char *)"\x01", 1);
        break;
    case FR_ALERT_FIRST:
        wire_record(out, 21, v, (const unsigned char *)"\x01\x5a", 2); /* user_canceled */
        break;
    case FR_DATA_FIRST:
        wire_record(out, 23, v, (const unsigned char *)"early", 5);
        break;
    case FR_EMPTY_FIRST:
        wire_record(out, 22, v, NULL, 0);
        break;
    case FR_TWICE: {
        static struct buf two;
        two.n = 0;
        put(&two, m->b, m->n);
        put(&two, m->b, m->n);
        wire_record(out, 22, v, two.b, two.n);
        return;
    }
    case FR_TRAILER: {
        static struct buf more;
        more.n = 0;
        put(&more, m->b, m->n);
        put(&more, "\x14\x00\x00\x20", 4); /* the start of a Finished */
        wire_record(out, 22, v, more.b, more.n);
        return;
    }
    case FR_SSLV2:
    case FR_ONE:
    default:
        break;
    }
    for (size_t off = 0; off < m->n || off == 0; off += 16384) {
        size_t len = m->n - off < 16384 ? m->n - off : 16384;
        wire_record(out, 22, v, m->b + off, len);
        if (m->n == 0)
            break;
    }
}

/* ------------------------------------------------ what the server wrote */

/* The signature schemes the client can check: their hash and padding. */
static int verify_sig(EVP_PKEY *pub, unsigned scheme, const unsigned char *tbs, size_t tbs_len,
                      const unsigned char *sig, size_t sig_len)
{
    const EVP_MD *md;
    EVP_MD_CTX *ctx;
    EVP_PKEY_CTX *pctx = NULL;
    int ok, pss = (scheme >= 0x0804 && scheme <= 0x0806) || (scheme >= 0x0809 && scheme <= 0x080b);

    switch (scheme) {
    case 0x0201:
    case 0x0203:
        md = EVP_sha1();
        break;
    case 0x0401:
    case 0x0403:
    case 0x0804:
    case 0x0809:
        md = EVP_sha256();
        break;
    case 0x0501:
    case 0x0503:
    case 0x0805:
    case 0x080a:
        md = EVP_sha384();
        break;
    case 0x0601:
    case 0x0603:
    case 0x0806:
    case 0x080b:
        md = EVP_sha512();
        break;
    case 0x0807:
    case 0x0808:
        md = NULL;
        break;
    default:
        return 0;
    }
    if (pub == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
        return 0;
    ok = EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pub) == 1 &&
         (!pss || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                   EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1)) &&
         EVP_DigestVerify(ctx, sig, sig_len, tbs, tbs_len) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

/* The (EC)DH secret with the client's share for that group. */
static int shared_secret(unsigned group, const unsigned char *peer_key, size_t peer_len,
                         unsigned char *out, size_t *out_len)
{
    EVP_PKEY *peer = NULL, *ours = NULL;
    EVP_PKEY_CTX *dh;
    int ok;

    if (group == 0x001d && peer_key != NULL) {
        peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer_key, peer_len);
        ours = x25519_share;
    } else if (group == 0x0017 && peer_key != NULL) {
        peer = EVP_PKEY_new();
        if (peer != NULL && (EVP_PKEY_copy_parameters(peer, p256_share) != 1 ||
                             EVP_PKEY_set1_encoded_public_key(peer, peer_key, peer_len) != 1)) {
            EVP_PKEY_free(peer);
            peer = NULL;
        }
        ours = p256_share;
    }
    if (peer == NULL) {
        ERR_clear_error();
        return 0;
    }
    dh = EVP_PKEY_CTX_new(ours, NULL);
    ok = EVP_PKEY_derive_init(dh) == 1 && EVP_PKEY_derive_set_peer(dh, peer) == 1 &&
         EVP_PKEY_derive(dh, out, out_len) == 1;
    EVP_PKEY_CTX_free(dh);
    EVP_PKEY_free(peer);
    ERR_clear_error();
    return ok;
}

static void empty_hash(const struct client *c, unsigned char *out)
{
    EVP_Digest("", 0, out, NULL, c->md, NULL);
}

/* From the ServerHello: the handshake secret and both handshake traffic
 * keys (RFC 8446 7.1). */
static void tls13_handshake_keys(struct client *c, const unsigned char *shared, size_t len)
{
    unsigned char early[EVP_MAX_MD_SIZE], empty[EVP_MAX_MD_SIZE], derived[EVP_MAX_MD_SIZE];
    unsigned char th[EVP_MAX_MD_SIZE];

    wire_hkdf_extract(c->md, NULL, c->psk_accepted ? resume.psk : NULL, c->hl, early);
    empty_hash(c, empty);
    wire_derive_secret(c->md, early, "derived", empty, derived);
    wire_hkdf_extract(c->md, derived, shared, len, c->hs);
    transcript_hash(c, th);
    wire_derive_secret(c->md, c->hs, "c hs traffic", th, c->c_hs);
    wire_derive_secret(c->md, c->hs, "s hs traffic", th, c->s_hs);
    wire_traffic_key(c->md, c->cipher, c->s_hs, &c->rd);
    wire_traffic_key(c->md, c->cipher, c->c_hs, &c->wr);
    c->rd_on = 1;
    c->epoch = 1;
}

/* After the server's Finished: the application traffic secrets. */
static void tls13_application_secrets(struct client *c)
{
    unsigned char empty[EVP_MAX_MD_SIZE], derived[EVP_MAX_MD_SIZE], th[EVP_MAX_MD_SIZE];

    empty_hash(c, empty);
    wire_derive_secret(c->md, c->hs, "derived", empty, derived);
    wire_hkdf_extract(c->md, derived, NULL, 0, c->master);
    transcript_hash(c, th);
    wire_derive_secret(c->md, c->master, "c ap traffic", th, c->c_ap);
    wire_derive_secret(c->md, c->master, "s ap traffic", th, c->s_ap);
    wire_traffic_key(c->md, c->cipher, c->s_ap, &c->rd);
    c->epoch = 2;
}

/* KeyUpdate (RFC 8446 7.2): the next secret of one direction. */
static void next_secret(struct client *c, unsigned char *secret, struct aead_key *k)
{
    unsigned char next[EVP_MAX_MD_SIZE];

    wire_expand_label(c->md, secret, "traffic upd", NULL, 0, next, c->hl);
    memcpy(secret, next, c->hl);
    wire_traffic_key(c->md, c->cipher, secret, k);
}

static void transcript_add(struct client *c, const unsigned char *m, size_t len)
{
    put(&c->transcript, m, len);
}

/* The leaf certificate's key, from a Certificate message's first entry. */
static void take_server_key(struct client *c, struct rd *list, int tls13, int *count)
{
    *count = 0;
    while (list->n > 0 && !list->bad) {
        struct rd cert, exts;
        if (!rd_vec(list, 3, &cert) || (tls13 && !rd_vec(list, 2, &exts)))
            break;
        if ((*count)++ == 0) {
            const unsigned char *p = cert.p;
            X509 *x = d2i_X509(NULL, &p, (long)cert.n);
            EVP_PKEY_free(c->server_pub);
            c->server_pub = x != NULL ? X509_get_pubkey(x) : NULL;
            X509_free(x);
            ERR_clear_error();
        }
    }
}

static void on_hello_retry(struct client *c, const unsigned char *m, size_t len, unsigned version,
                           unsigned suite, const char *types)
{
    unsigned char h[EVP_MAX_MD_SIZE];
    static struct buf ch1;

    say(c, "HelloRetryRequest version 0x%04x suite 0x%04x group 0x%04x cookie %zu bytes, exts%s",
        version, suite, c->group, c->cookie_len, types);
    if (c->hrr) {
        say(c, "(a second HelloRetryRequest)");
        c->broken = 1;
        return;
    }
    if (!use_suite(c, suite))
        return;
    c->hrr = 1;
    /* RFC 8446 4.4.1: the first ClientHello is replaced by its hash. */
    ch1.n = 0;
    put(&ch1, c->transcript.b, c->transcript.n);
    EVP_Digest(ch1.b, ch1.n, h, NULL, c->md, NULL);
    c->transcript.n = 0;
    put_u8(&c->transcript, 254);
    put_u24(&c->transcript, c->hl);
    put(&c->transcript, h, c->hl);
    transcript_add(c, m, len);
}

/* RFC 5746 3.7: in a renegotiation the server's renegotiation_info holds
 * the client's verify_data, then its own. */
static void renegotiation_info_seen(struct client *c, const struct rd *body)
{
    struct rd r = *body, v;
    int both = rd_vec(&r, 1, &v) && r.n == 0 && v.n == 24 &&
               memcmp(v.p, c->verify_client, 12) == 0 &&
               memcmp(v.p + 12, c->verify_server, 12) == 0;

    say(c, "renegotiation_info of %zu bytes%s", body->n,
        both ? ", both verify_data" : ", not both verify_data");
}

static void on_server_hello(struct client *c, const unsigned char *m, size_t len)
{
    struct rd r, sid, exts, walk;
    unsigned legacy, suite, comp, version = 0, key_group = 0;
    const unsigned char *random, *key = NULL;
    size_t key_len = 0;
    int psk = -1, hrr;
    char types[256] = " none", sentinel[32] = "";
    unsigned char shared[256];
    size_t shared_len = sizeof(shared);

    rd_init(&r, m + 4, len - 4);
    legacy = rd_u16(&r);
    random = rd_bytes(&r, 32);
    rd_vec(&r, 1, &sid);
    suite = rd_u16(&r);
    comp = rd_u8(&r);
    hrr = random != NULL && memcmp(random, hrr_random, 32) == 0;
    if (r.n > 0 && rd_vec(&r, 2, &exts)) {
        walk = exts;
        ext_types(&walk, types, sizeof(types));
        while (exts.n > 0 && !exts.bad) {
            struct rd body;
            unsigned type = rd_u16(&exts);
            rd_vec(&exts, 2, &body);
            if (type == 43)
                version = rd_u16(&body);
            else if (type == 41)
                psk = (int)rd_u16(&body);
            else if (type == 23)
                c->ems = 1;
            else if (type == 22)
                c->etm = 1;
            else if (type == 0xff01 && c->renegotiating)
                renegotiation_info_seen(c, &body);
            else if (type == 44 && rd_vec(&body, 2, &walk) && walk.n <= sizeof(c->cookie)) {
                memcpy(c->cookie, walk.p, walk.n);
                c->cookie_len = walk.n;
            } else if (type == 51) {
                key_group = rd_u16(&body);
                if (!hrr && rd_vec(&body, 2, &walk)) {
                    key = walk.p;
                    key_len = walk.n;
                }
            }
        }
    }
    if (r.bad || r.n > 0 || random == NULL || comp != 0) {
        say(c, "ServerHello malformed");
        c->broken = 1;
        return;
    }
    if (hrr) {
        c->group = key_group;
        on_hello_retry(c, m, len, version, suite, types);
        return;
    }
    if (version == 0)
        version = legacy;
    memcpy(c->server_random, random, 32);
    if (memcmp(random + 24, "DOWNGRD\x01", 8) == 0)
        snprintf(sentinel, sizeof(sentinel), ", TLS 1.2 downgrade sentinel");
    else if (memcmp(random + 24, "DOWNGRD\x00", 8) == 0)
        snprintf(sentinel, sizeof(sentinel), ", TLS 1.1 downgrade sentinel");
    if (psk >= 0)
        snprintf(sentinel, sizeof(sentinel), ", identity %d", psk);
    say(c, "ServerHello version 0x%04x suite 0x%04x session id %s%zu, exts%s%s", version, suite,
        sid.n == c->hello.sid_len && sid.n > 0 && memcmp(sid.p, c->hello.sid, sid.n) == 0
            ? "echoed "
            : "",
        sid.n, types, sentinel);
    if (version != 0x0304 && version != 0x0303) {
        c->broken = 1;
        return;
    }
    c->version = (int)version;
    if (!use_suite(c, suite))
        return;
    if ((c->suite->kx == KX_TLS13) != (version == 0x0304)) {
        say(c, "(a suite of the other version)");
        c->broken = 1;
        return;
    }
    transcript_add(c, m, len);
    if (version == 0x0303)
        return;
    c->group = key_group;
    /* (the only identity the client has a key for is the ticket) */
    c->psk_accepted = psk >= 0 && resume.have;
    if (!shared_secret(key_group, key, key_len, shared, &shared_len)) {
        say(c, "(no secret from the server's key share)");
        c->broken = 1;
        return;
    }
    tls13_handshake_keys(c, shared, shared_len);
}

static void on_encrypted_extensions(struct client *c, const unsigned char *m, size_t len)
{
    struct rd r, exts, walk;
    char types[256] = " none", alpn[64] = "";

    rd_init(&r, m + 4, len - 4);
    if (rd_vec(&r, 2, &exts)) {
        walk = exts;
        ext_types(&walk, types, sizeof(types));
        while (exts.n > 0 && !exts.bad) {
            struct rd body, list, name;
            unsigned type = rd_u16(&exts);
            rd_vec(&exts, 2, &body);
            if (type == 16 && rd_vec(&body, 2, &list) && rd_vec(&list, 1, &name) && name.n < 32)
                snprintf(alpn, sizeof(alpn), ", alpn %.*s", (int)name.n, (const char *)name.p);
        }
    }
    say(c, "EncryptedExtensions exts%s%s%s", types, alpn, r.bad || r.n > 0 ? " (malformed)" : "");
    transcript_add(c, m, len);
}

static void on_certificate_request(struct client *c, const unsigned char *m, size_t len)
{
    struct rd r, ctx, exts;
    char types[256] = " none";

    rd_init(&r, m + 4, len - 4);
    if (c->version == 0x0304) {
        rd_vec(&r, 1, &ctx);
        if (rd_vec(&r, 2, &exts))
            ext_types(&exts, types, sizeof(types));
        say(c, "CertificateRequest context %zu bytes, exts%s", ctx.n, types);
        if (!ctx.bad && ctx.n <= sizeof(c->cr_ctx)) {
            memcpy(c->cr_ctx, ctx.p, ctx.n);
            c->cr_ctx_len = ctx.n;
        }
        if (c->epoch == 2)
            c->pha_requested = 1;
        else
            c->cert_requested = 1;
    } else {
        struct rd ctypes, sigalgs, cas;
        char tlist[64] = "";
        int num_cas = 0;
        rd_vec(&r, 1, &ctypes);
        for (size_t i = 0; i < ctypes.n && i < 8; i++)
            snprintf(tlist + strlen(tlist), sizeof(tlist) - strlen(tlist), " %u", ctypes.p[i]);
        rd_vec(&r, 2, &sigalgs);
        rd_vec(&r, 2, &cas);
        while (cas.n > 0 && !cas.bad) {
            struct rd name;
            if (rd_vec(&cas, 2, &name))
                num_cas++;
        }
        say(c, "CertificateRequest types%s, %zu signature schemes, %d CA names", tlist,
            sigalgs.n / 2, num_cas);
        c->cert_requested = 1;
    }
    if (r.bad || r.n > 0)
        say(c, "(malformed)");
    transcript_add(c, m, len);
}

static void on_certificate(struct client *c, const unsigned char *m, size_t len)
{
    struct rd r, ctx, list;
    int count = 0;

    rd_init(&r, m + 4, len - 4);
    if (c->version == 0x0304)
        rd_vec(&r, 1, &ctx);
    if (rd_vec(&r, 3, &list))
        take_server_key(c, &list, c->version == 0x0304, &count);
    say(c, "Certificate %d entries%s", count, r.bad || r.n > 0 ? " (malformed)" : "");
    transcript_add(c, m, len);
}

/* RFC 8446 4.4.3: 64 spaces, the context string with its zero, the hash. */
static size_t verify_content(const struct client *c, const char *context, unsigned char *out)
{
    unsigned char th[EVP_MAX_MD_SIZE];
    size_t n = strlen(context) + 1;

    memset(out, 0x20, 64);
    memcpy(out + 64, context, n);
    transcript_hash(c, th);
    memcpy(out + 64 + n, th, c->hl);
    return 64 + n + c->hl;
}

static void on_certificate_verify(struct client *c, const unsigned char *m, size_t len)
{
    struct rd r, sig;
    unsigned char tbs[256];
    size_t tbs_len = verify_content(c, "TLS 1.3, server CertificateVerify", tbs);
    unsigned scheme;

    rd_init(&r, m + 4, len - 4);
    scheme = rd_u16(&r);
    rd_vec(&r, 2, &sig);
    say(c, "CertificateVerify 0x%04x %s", scheme,
        !r.bad && r.n == 0 && verify_sig(c->server_pub, scheme, tbs, tbs_len, sig.p, sig.n)
            ? "verifies"
            : "does not verify");
    transcript_add(c, m, len);
}

static void on_finished13(struct client *c, const unsigned char *m, size_t len)
{
    unsigned char key[EVP_MAX_MD_SIZE], th[EVP_MAX_MD_SIZE], want[EVP_MAX_MD_SIZE];
    int ok;

    wire_expand_label(c->md, c->s_hs, "finished", NULL, 0, key, c->hl);
    transcript_hash(c, th);
    wire_hmac(c->md, key, c->hl, th, c->hl, want);
    ok = len == 4 + c->hl && memcmp(m + 4, want, c->hl) == 0;
    say(c, "Finished %s", ok ? "right" : "wrong");
    transcript_add(c, m, len);
    if (!ok) {
        c->broken = 1;
        return;
    }
    c->flight_done = 1;
    tls13_application_secrets(c);
}

static void on_ticket13(struct client *c, const unsigned char *m, size_t len)
{
    struct rd r, nonce, ticket, exts;
    char types[256] = " none";
    uint32_t lifetime, age_add;

    rd_init(&r, m + 4, len - 4);
    lifetime = (uint32_t)rd_u16(&r) << 16;
    lifetime |= rd_u16(&r);
    age_add = (uint32_t)rd_u16(&r) << 16;
    age_add |= rd_u16(&r);
    rd_vec(&r, 1, &nonce);
    rd_vec(&r, 2, &ticket);
    if (rd_vec(&r, 2, &exts))
        ext_types(&exts, types, sizeof(types));
    say(c, "NewSessionTicket lifetime %u, exts%s%s", lifetime, types,
        r.bad || r.n > 0 ? " (malformed)" : "");
    if (!r.bad && !c->have_ticket && ticket.n <= sizeof(c->ticket) && nonce.n <= sizeof(c->nonce)) {
        c->have_ticket = 1;
        memcpy(c->ticket, ticket.p, ticket.n);
        c->ticket_len = ticket.n;
        memcpy(c->nonce, nonce.p, nonce.n);
        c->nonce_len = nonce.n;
        c->age_add = age_add;
    }
}

static void on_server_key_exchange(struct client *c, const unsigned char *m, size_t len)
{
    struct rd r, a, b, y;
    const unsigned char *params = m + 4;
    unsigned char tbs[2048];
    size_t params_len;
    unsigned scheme;
    struct rd sig;
    char what[64];

    rd_init(&r, m + 4, len - 4);
    if (c->suite->kx == KX_ECDHE) {
        unsigned type = rd_u8(&r);
        c->ske_group = rd_u16(&r);
        rd_vec(&r, 1, &a);
        if (!a.bad && a.n <= sizeof(c->ske_point)) {
            memcpy(c->ske_point, a.p, a.n);
            c->ske_point_len = a.n;
        }
        snprintf(what, sizeof(what), "curve type %u group 0x%04x", type, c->ske_group);
    } else {
        rd_vec(&r, 2, &a);
        rd_vec(&r, 2, &b);
        rd_vec(&r, 2, &y);
        BN_free(c->dh_p), BN_free(c->dh_g), BN_free(c->dh_ys);
        c->dh_p = BN_bin2bn(a.p, (int)a.n, NULL);
        c->dh_g = BN_bin2bn(b.p, (int)b.n, NULL);
        c->dh_ys = BN_bin2bn(y.p, (int)y.n, NULL);
        snprintf(what, sizeof(what), "DH %d bits, generator %s", BN_num_bits(c->dh_p),
                 BN_is_word(c->dh_g, 2) ? "2" : "other");
    }
    params_len = (size_t)(r.p - params);
    scheme = rd_u16(&r);
    rd_vec(&r, 2, &sig);
    memcpy(tbs, c->hello.random, 32);
    memcpy(tbs + 32, c->server_random, 32);
    if (params_len <= sizeof(tbs) - 64)
        memcpy(tbs + 64, params, params_len);
    say(c, "ServerKeyExchange %s, scheme 0x%04x %s", what, scheme,
        !r.bad && r.n == 0 && params_len <= sizeof(tbs) - 64 &&
                verify_sig(c->server_pub, scheme, tbs, 64 + params_len, sig.p, sig.n)
            ? "verifies"
            : "does not verify");
    transcript_add(c, m, len);
}

static void on_finished12(struct client *c, const unsigned char *m, size_t len)
{
    unsigned char th[EVP_MAX_MD_SIZE], want[12];
    int ok;

    transcript_hash(c, th);
    wire_tls12_prf(c->md, c->master12, 48, "server finished", th, c->hl, want, 12);
    ok = len == 16 && memcmp(m + 4, want, 12) == 0;
    say(c, "Finished %s", ok ? "right" : "wrong");
    memcpy(c->verify_server, want, 12);
    transcript_add(c, m, len);
    c->finished_ok = ok;
}

/* One complete handshake message from the server. */
static void server_message(struct client *c, const unsigned char *m, size_t len)
{
    unsigned type = m[0];

    if (c->version == 0 || (type == 2 && c->epoch == 0)) {
        if (type == 2)
            on_server_hello(c, m, len);
        else {
            say(c, "handshake message %u before a ServerHello", type);
            c->broken = 1;
        }
        return;
    }
    switch (type) {
    case 8:
        on_encrypted_extensions(c, m, len);
        return;
    case 11:
        on_certificate(c, m, len);
        return;
    case 13:
        on_certificate_request(c, m, len);
        return;
    case 15:
        on_certificate_verify(c, m, len);
        return;
    case 20:
        if (c->version == 0x0304)
            on_finished13(c, m, len);
        else
            on_finished12(c, m, len);
        return;
    case 4:
        if (c->version == 0x0304) {
            on_ticket13(c, m, len);
            return;
        }
        say(c, "NewSessionTicket");
        transcript_add(c, m, len);
        return;
    case 24:
        say(c, "KeyUpdate %u", len == 5 ? m[4] : 256);
        if (c->epoch == 2)
            next_secret(c, c->s_ap, &c->rd);
        return;
    case 12:
        on_server_key_exchange(c, m, len);
        return;
    case 14:
        say(c, "ServerHelloDone%s", len == 4 ? "" : " (malformed)");
        transcript_add(c, m, len);
        c->flight_done = 1;
        return;
    case 0:
        say(c, "HelloRequest");
        return;
    default:
        say(c, "handshake message %u, %zu bytes", type, len - 4);
        c->broken = 1;
        return;
    }
}

/* One record's content, after opening it if it was protected. */
static void content(struct client *c, unsigned type, const unsigned char *p, size_t n, int enc)
{
    const char *e = enc ? "encrypted " : "";

    switch (type) {
    case 21:
        if (n == 2)
            say(c, "%salert level %u desc %u", e, p[0], p[1]);
        else
            say(c, "%salert record of %zu bytes", e, n);
        c->alert = 1;
        return;
    case 20:
        say(c, "%schange_cipher_spec%s", e, n == 1 && p[0] == 1 ? "" : " (malformed)");
        if (c->version == 0x0303 && !enc) {
            if (c->wr.cipher == NULL) {
                c->broken = 1;
                return;
            }
            c->rd_on = 1;
        }
        return;
    case 23:
        say(c, "%sapplication data \"%.*s\"", e, (int)(n < 64 ? n : 64), (const char *)p);
        return;
    case 22:
        if (n > sizeof(c->hs_in.b) - c->hs_in.n) {
            say(c, "a handshake message too long to follow");
            c->broken = 1;
            return;
        }
        put(&c->hs_in, p, n);
        while (c->hs_in.n >= 4 && !c->broken) {
            size_t len = 4 + u24_at(c->hs_in.b + 1);
            if (len > c->hs_in.n)
                break;
            server_message(c, c->hs_in.b, len);
            memmove(c->hs_in.b, c->hs_in.b + len, c->hs_in.n - len);
            c->hs_in.n -= len;
        }
        return;
    default:
        say(c, "%srecord type %u, %zu bytes", e, type, n);
        c->broken = 1;
        return;
    }
}

/* Everything the server wrote since last time, record by record. */
static void take_output(struct client *c, BIO *wb)
{
    static struct buf out;
    static unsigned char plain[16384 + 2048];
    size_t i = 0;
    int n;

    out.n = 0;
    while (out.n < sizeof(out.b) &&
           (n = BIO_read(wb, out.b + out.n, (int)(sizeof(out.b) - out.n))) > 0)
        out.n += (size_t)n;
    if (out.n == 0)
        say(c, "wrote nothing");
    while (i < out.n && !c->broken) {
        unsigned type = out.b[i];
        size_t len, plain_len;
        if (out.n - i < 5) {
            say(c, "%zu bytes, not a record", out.n - i);
            break;
        }
        len = 5 + u16_at(out.b + i + 3);
        if (i + len > out.n) {
            say(c, "record type %u cut short", type);
            break;
        }
        if (c->rd_on && (c->version == 0x0303 || type == 23)) {
            int ok = c->version == 0x0303
                         ? wire_open12(&c->rd, out.b + i, len, plain, &plain_len)
                         : wire_open13(&c->rd, out.b + i, len, plain, &plain_len, &type);
            if (!ok) {
                say(c, "record type %u, %zu bytes, not opened", type, len - 5);
                c->broken = 1;
                break;
            }
            content(c, type, plain, plain_len, 1);
        } else {
            content(c, type, out.b + i + 5, len - 5, 0);
        }
        i += len;
    }
}

/* ------------------------------------------------- what the client sends */

static enum tweak tweak(const struct client *c)
{
    return c->v != NULL ? c->v->tweak : T_NONE;
}

/* Appends the client's next message `m` to `out` as this case sends it
 * (damaged if it is the target) and to the transcript.  Returns 0 when the
 * flight ends here: after a message cut, lengthened or over-claimed
 * nothing more is sent; after one with a byte altered the flight goes on
 * (its framing is intact), so that what the altered value leads to shows,
 * even when the server only notices at Finished (an altered key share or
 * premaster secret). */
static int add_message(struct client *c, struct buf *out, const struct buf *m)
{
    int n = c->msg_no++;
    size_t start = out->n;

    if (n == c->target) {
        c->target_body = m->n - 4;
        wire_emit(out, m, c->dmg);
        c->damaged = 1;
        c->damaged_hello = m->b[0] == 1;
    } else {
        wire_emit(out, m, NULL);
    }
    transcript_add(c, out->b + start, out->n - start);
    return n != c->target || c->dmg->kind == FLIP;
}

enum call { CALL_ACCEPT, CALL_READ, CALL_HANDSHAKE };

/* The last step's result, for deciding whether to go on. */
static int last_ret, last_err;

/* Hands what the client wrote to the server, runs one call, and prints
 * (once the damage is sent) its result and what the server wrote. */
static int exchange(struct client *c, SSL *s, const struct buf *out, const char *what,
                    enum call call)
{
    unsigned char data[256];
    int r;

    if (out != NULL && out->n > 0)
        BIO_write(SSL_get_rbio(s), out->b, (int)out->n);
    switch (call) {
    case CALL_READ:
        r = SSL_read(s, data, sizeof(data));
        break;
    case CALL_HANDSHAKE:
        r = SSL_do_handshake(s);
        break;
    case CALL_ACCEPT:
    default:
        r = SSL_accept(s);
        break;
    }
    last_ret = r;
    last_err = SSL_get_error(s, r);
    if (printing(c)) {
        if (call == CALL_READ && r > 0)
            printf("%s: %s: read %d \"%.*s\", error %d\n", c->label, what, r, r, (const char *)data,
                   last_err);
        else
            printf("%s: %s: %s %d, error %d\n", c->label, what,
                   call == CALL_READ        ? "read"
                   : call == CALL_HANDSHAKE ? "do_handshake"
                                            : "accept",
                   r, last_err);
        diff_print_errors("   ");
    }
    ERR_clear_error();
    take_output(c, SSL_get_wbio(s));
    return r;
}

/* Whether the handshake goes on after a step that should leave the server
 * waiting for more. */
static int waiting(const struct client *c)
{
    return last_ret == -1 && last_err == SSL_ERROR_WANT_READ && !c->broken && !c->alert &&
           (!c->damaged || c->damaged_hello);
}

static void ccs(struct buf *out, const char *body, size_t len)
{
    wire_record(out, 20, 0x0303, (const unsigned char *)body, len);
}

/* ECDSA signatures vary in length: one of 72 bytes keeps a message the same
 * size on every run. */
static size_t sign72(EVP_PKEY *key, const EVP_MD *md, const unsigned char *tbs, size_t len,
                     unsigned char *sig)
{
    size_t sig_len;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    do {
        sig_len = 128;
        EVP_DigestSignInit(ctx, NULL, md, NULL, key);
        EVP_DigestSign(ctx, sig, &sig_len, tbs, len);
    } while (sig_len != 72);
    EVP_MD_CTX_free(ctx);
    return sig_len;
}

/* The case's edits of ClientHello `which` (0, 1, or 2: renegotiation). */
static void edit_hello(const struct client *c, struct hello *h, int which)
{
    if (c->v != NULL && c->v->edit != NULL && c->v->which == which)
        c->v->edit(h);
    if (c->ee.kind != EE_NONE && c->ee.which == which) {
        struct ext *e = find_ext(h, c->ee.type);
        if (c->ee.kind == EE_CUT)
            e->len = c->ee.len, e->binders_at = 0;
        else if (c->ee.kind == EE_LONGER)
            e->body[e->len++] = 0, e->binders_at = 0;
        else if (c->ee.kind == EE_OUT)
            del_ext(h, c->ee.type);
        else if (c->ee.kind == EE_TWICE) {
            size_t at = (size_t)(e - h->ext);
            memmove(&h->ext[at + 1], &h->ext[at], (h->num_ext - at) * sizeof(h->ext[0]));
            h->num_ext++;
            h->ext[at + 1].binders_at = 0;
        }
    }
}

static int send_hello(struct client *c, SSL *s, int second)
{
    static struct buf m, sent, out;
    struct hello *h = &c->hello;
    size_t binders_at;

    if (!second) {
        hello_default(c->mode, h);
    } else {
        /* RFC 8446 4.1.2: the same, with the share asked for, the cookie,
         * and no early_data. */
        if (c->group != 0x001d && c->group != 0x0017) {
            say(c, "(the client has no share for group 0x%04x)", c->group);
            return 0;
        }
        set_key_share(h, &c->group, 1);
        if (c->cookie_len > 0) {
            struct buf b;
            b.n = 0;
            put_u16(&b, (unsigned)c->cookie_len);
            put(&b, c->cookie, c->cookie_len);
            set_ext_buf(h, 44, &b);
        }
        del_ext(h, 42);
    }
    edit_hello(c, h, second);
    out.n = 0;
    if (second && !c->ccs_sent && h->sid_len > 0) {
        /* Middlebox compatibility (RFC 8446 D.4): before the second flight. */
        enum tweak t = tweak(c);
        if (t != T13_NO_CCS)
            ccs(&out, "\x01", 1);
        if (t == T13_CCS_TWICE)
            ccs(&out, "\x01", 1);
        c->ccs_sent = 1;
    }
    if (h->framing == FR_SSLV2) {
        hello_sslv2(h, &m);
        put_u8(&out, 0x80 | (unsigned)(m.n >> 8));
        put_u8(&out, (unsigned)m.n & 0xff);
        put(&out, m.b, m.n);
        if (tweak(c) == T12_SSLV2_SPLIT) {
            /* The same bytes, as two SSL 2.0 records of their own. */
            out.n = 0;
            put_u8(&out, 0x80), put_u8(&out, 10), put(&out, m.b, 10);
            put_u8(&out, 0x80 | (unsigned)((m.n - 10) >> 8));
            put_u8(&out, (unsigned)(m.n - 10) & 0xff), put(&out, m.b + 10, m.n - 10);
        }
        transcript_add(c, m.b, m.n);
        c->msg_no++;
    } else {
        hello_serialize(h, &m, &binders_at);
        if (binders_at != 0 && resume.have)
            fill_binders(c, &m, binders_at);
        if (tweak(c) == TP_BAD_BINDER && binders_at != 0)
            m.b[m.n - 1] ^= 0x01;
        sent.n = 0;
        add_message(c, &sent, &m);
        frame_hello(&out, h, &sent);
        /* The random the server saw, in case the damage reached it. */
        if (sent.n >= 4 + 2 + 32)
            memcpy(h->random, sent.b + 6, 32);
    }
    exchange(c, s, &out, second ? "second ClientHello" : "ClientHello", CALL_ACCEPT);
    return waiting(c);
}

/* ---------------------------------------------------- TLS 1.3 client flight */

static void certificate13(struct client *c, struct buf *m, const unsigned char *ctx, size_t ctx_len,
                          int empty)
{
    static struct buf b, list;
    unsigned char *der = NULL;
    enum tweak t = tweak(c);
    int n = i2d_X509(t == T13_CERT_UNTRUSTED ? other_client_cert : client_cert, &der);

    list.n = 0;
    if (!empty) {
        put_u24(&list, (size_t)n);
        put(&list, der, (size_t)n);
        if (t == T13_CERT_EXTENSION) {
            put_u16(&list, 8);
            put_u16(&list, 0xfafa), put_u16(&list, 4), put(&list, "abcd", 4);
        } else {
            put_u16(&list, 0);
        }
        if (t == T13_CERT_TWO) {
            unsigned char *der2 = NULL;
            int n2 = i2d_X509(server_ec_cert, &der2);
            put_u24(&list, (size_t)n2);
            put(&list, der2, (size_t)n2);
            put_u16(&list, 0);
            OPENSSL_free(der2);
        }
    }
    OPENSSL_free(der);
    b.n = 0;
    put_u8(&b, (unsigned)ctx_len);
    put(&b, ctx, ctx_len);
    put_u24(&b, list.n);
    put(&b, list.b, list.n);
    m->n = 0;
    message(m, 11, &b);
}

static void certificate_verify13(struct client *c, struct buf *m)
{
    struct buf b;
    unsigned char tbs[256], sig[128];
    enum tweak t = tweak(c);
    unsigned scheme = t == T13_CV_P384_SCHEME ? 0x0503 : t == T13_CV_PSS_SCHEME ? 0x0804 : 0x0403;
    size_t tbs_len = verify_content(c,
                                    t == T13_CV_WRONG_CONTEXT ? "TLS 1.3, server CertificateVerify"
                                                              : "TLS 1.3, client CertificateVerify",
                                    tbs);
    size_t sig_len = sign72(t == T13_CERT_UNTRUSTED ? other_client_key : client_key,
                            scheme == 0x0503 ? EVP_sha384() : EVP_sha256(), tbs, tbs_len, sig);

    b.n = 0;
    put_u16(&b, scheme);
    put_u16(&b, (unsigned)sig_len);
    put(&b, sig, sig_len);
    m->n = 0;
    message(m, 15, &b);
}

static void finished13(struct client *c, struct buf *m, const unsigned char *base)
{
    struct buf b;
    unsigned char key[EVP_MAX_MD_SIZE], th[EVP_MAX_MD_SIZE];

    wire_expand_label(c->md, base, "finished", NULL, 0, key, c->hl);
    transcript_hash(c, th);
    b.n = 0;
    wire_hmac(c->md, key, c->hl, th, c->hl, b.b);
    b.n = c->hl;
    m->n = 0;
    message(m, 20, &b);
}

/* Seals handshake bytes in records of at most 2^14 bytes. */
static void seal_handshake13(struct client *c, struct buf *out, const struct buf *p)
{
    for (size_t off = 0; off < p->n; off += 16384)
        wire_seal13(out, &c->wr, p->b + off, p->n - off < 16384 ? p->n - off : 16384, 22);
}

static void client_flight13(struct client *c, SSL *s)
{
    static struct buf out, plain, m, cert;
    enum tweak t = tweak(c);
    unsigned char th[EVP_MAX_MD_SIZE];
    int go = 1, with_cert = c->cert_requested && t != T13_NO_CERT;

    out.n = plain.n = 0;
    if (!c->ccs_sent && c->hello.sid_len > 0 && t != T13_NO_CCS) {
        ccs(&out, t == T13_CCS_BAD ? "\x02" : "\x01\x01", t == T13_CCS_LONG ? 2 : 1);
        if (t == T13_CCS_TWICE)
            ccs(&out, "\x01", 1);
    }
    c->ccs_sent = 1;
    if (t == T13_DATA_BEFORE_FINISHED)
        wire_seal13(&out, &c->wr, (const unsigned char *)"early", 5, 23);
    if (t == T13_WARNING_BEFORE_FINISHED)
        wire_seal13(&out, &c->wr, (const unsigned char *)"\x01\x5a", 2, 21);
    if (t == T13_EMPTY_RECORD_BEFORE_FINISHED)
        wire_seal13(&out, &c->wr, NULL, 0, 22);
    if (t == T13_KEY_UPDATE_BEFORE_FINISHED)
        wire_seal13(&out, &c->wr, (const unsigned char *)"\x18\x00\x00\x01\x00", 5, 22);
    if (with_cert && t == T13_CV_BEFORE_CERT) {
        certificate_verify13(c, &m);
        go = add_message(c, &plain, &m);
    }
    if (with_cert && go) {
        static const unsigned char odd_ctx[] = "x";
        certificate13(c, &cert, t == T13_CERT_CONTEXT ? odd_ctx : NULL,
                      t == T13_CERT_CONTEXT ? 1 : 0, t == T13_EMPTY_CERT);
        go = add_message(c, &plain, &cert);
    }
    if (with_cert && go && t != T13_EMPTY_CERT && t != T13_NO_CV && t != T13_CV_BEFORE_CERT) {
        certificate_verify13(c, &m);
        go = add_message(c, &plain, &m);
    }
    if (go) {
        finished13(c, &m, c->c_hs);
        go = add_message(c, &plain, &m);
        if (t == T13_FINISHED_TWICE)
            put(&plain, m.b, m.n);
    }
    if (t == T13_FINISHED_PLAIN) {
        wire_record(&out, 22, 0x0303, plain.b, plain.n);
    } else if (t == T13_FINISHED_SPLIT && plain.n > 10) {
        wire_seal13(&out, &c->wr, plain.b, plain.n - 10, 22);
        wire_seal13(&out, &c->wr, plain.b + plain.n - 10, 10, 22);
    } else {
        seal_handshake13(c, &out, &plain);
    }
    if (t == T13_CCS_AFTER_FINISHED)
        ccs(&out, "\x01", 1);
    exchange(c, s, &out, "client flight", CALL_ACCEPT);
    if (last_ret != 1 || !go)
        return;
    c->done = 1;
    transcript_hash(c, th);
    wire_derive_secret(c->md, c->master, "res master", th, c->res_master);
    wire_traffic_key(c->md, c->cipher, c->c_ap, &c->wr);
}

/* ---------------------------------------------------- TLS 1.2 client flight */

/* struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
 * opaque ASN.1Cert<1..2^24-1>;                        (RFC 5246 7.4.2)
 * built as the case asks: lengths that disagree with what follows, an
 * entry that is no certificate. */
static void certificate12(struct client *c, struct buf *m, int empty)
{
    static const unsigned char junk[] = {0x30, 0x0b, 0x02, 0x01, 0x01, 0x04, 0x06,
                                         'n',  'o',  't',  ' ',  'a',  'n'};
    struct buf b, list;
    unsigned char *der = NULL;
    enum tweak t = tweak(c);
    int n = i2d_X509(t == T12_CERT_UNTRUSTED ? other_client_cert : client_cert, &der);
    size_t entry = (size_t)n;

    list.n = 0;
    if (t == T12_CERT_DER_TRAILING)
        entry++;
    if (t == T12_CERT_ENTRY_LONGER)
        entry++;
    if (t == T12_CERT_ENTRY_SHORTER)
        entry--;
    if (t == T12_CERT_ENTRY_EMPTY) {
        put_u24(&list, 0);
    } else if (t == T12_CERT_GARBAGE) {
        put_u24(&list, sizeof(junk));
        put(&list, junk, sizeof(junk));
    } else {
        put_u24(&list, entry);
        put(&list, der, (size_t)n);
        if (t == T12_CERT_DER_TRAILING)
            put_u8(&list, 0);
        if (t == T12_CERT_GARBAGE_SECOND) {
            put_u24(&list, sizeof(junk));
            put(&list, junk, sizeof(junk));
        }
    }
    OPENSSL_free(der);
    b.n = 0;
    if (empty) {
        put_u24(&b, 0);
    } else {
        put_u24(&b, list.n + (t == T12_CERT_LIST_LONGER) - (t == T12_CERT_LIST_SHORTER));
        put(&b, list.b, list.n);
        if (t == T12_CERT_TRAILING)
            put_u8(&b, 0);
    }
    m->n = 0;
    message(m, 11, &b);
}

/* The RSA-encrypted premaster secret (RFC 5246 7.4.7.1), padded by hand
 * (PKCS #1 v1.5 type 2 with fixed non-zero bytes) so that the ciphertext is
 * the same on every run, or padded wrongly as the case asks. */
static void rsa_premaster(struct client *c, struct buf *b, unsigned char *pms, size_t *pms_len)
{
    enum tweak t = tweak(c);
    unsigned char em[256], ct[256];
    size_t k = 256, ct_len = sizeof(ct), ps, body = 48;
    EVP_PKEY_CTX *ctx;

    *pms_len = 48;
    pms[0] = 3, pms[1] = 3;
    if (t == T12_PMS_VERSION)
        pms[1] = 2;
    memset(pms + 2, 0x42, 46);
    if (t == T12_PMS_SHORT)
        body = 47;
    if (t == T12_PMS_LONG)
        body = 49, pms[48] = 0x42;
    ps = k - 3 - body;
    em[0] = 0;
    em[1] = t == T12_RSA_BLOCK_TYPE_1 ? 1 : 2;
    memset(em + 2, t == T12_RSA_BLOCK_TYPE_1 ? 0xff : 0x5a, ps);
    em[2 + ps] = 0;
    memcpy(em + 3 + ps, pms, body);
    if (t == T12_RSA_NO_SEPARATOR)
        em[2 + ps] = 0x5a;
    if (t == T12_RSA_SHORT_PADDING)
        em[7] = 0;
    ctx = EVP_PKEY_CTX_new(c->server_pub, NULL);
    if (ctx == NULL || EVP_PKEY_encrypt_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) != 1 ||
        EVP_PKEY_encrypt(ctx, ct, &ct_len, em, k) != 1)
        ct_len = 0;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    if (t == T12_RSA_ZEROS)
        memset(ct, 0, ct_len = k);
    if (t == T12_RSA_OVER_MODULUS)
        memset(ct, 0xff, ct_len = k);
    if (t == T12_RSA_SHORT)
        ct_len--;
    if (t != T12_RSA_NO_LENGTH)
        put_u16(b, (unsigned)ct_len);
    put(b, ct, ct_len);
    /* A well-formed premaster the client does not use itself: what the
     * server meets in an attack that replays someone's ciphertext. */
    if (t == T12_PMS_OTHER)
        pms[47] ^= 0x01;
}

/* Yc = g^x mod p with the fixed exponent, and the premaster secret Ys^x mod
 * p without its leading zero bytes (RFC 5246 8.1.2). */
static int dh_premaster(struct client *c, struct buf *b, unsigned char *pms, size_t *pms_len)
{
    enum tweak t = tweak(c);
    BN_CTX *bc = BN_CTX_new();
    BIGNUM *x = BN_bin2bn(dh_exponent, sizeof(dh_exponent), NULL), *yc = BN_new(), *z = BN_new();
    unsigned char y[1024];
    int ok = c->dh_p != NULL && c->dh_g != NULL && c->dh_ys != NULL &&
             BN_num_bytes(c->dh_p) <= 512 && BN_mod_exp(yc, c->dh_g, x, c->dh_p, bc) &&
             BN_mod_exp(z, c->dh_ys, x, c->dh_p, bc);
    int n = 0;

    if (ok) {
        *pms_len = (size_t)BN_bn2bin(z, pms);
        n = BN_bn2bin(yc, y + 1);
        if (t == T12_DH_ZERO || t == T12_DH_ONE)
            n = 1, y[1] = t == T12_DH_ONE;
        if (t == T12_DH_P_MINUS_1 || t == T12_DH_P) {
            BN_copy(yc, c->dh_p);
            if (t == T12_DH_P_MINUS_1)
                BN_sub_word(yc, 1);
            n = BN_bn2bin(yc, y + 1);
        }
        if (t == T12_DH_EMPTY)
            n = 0;
        if (t == T12_DH_LEADING_ZERO) {
            y[0] = 0;
            put_u16(b, (unsigned)n + 1);
            put(b, y, (size_t)n + 1);
        } else {
            put_u16(b, (unsigned)n);
            put(b, y + 1, (size_t)n);
        }
    }
    BN_free(x), BN_free(yc), BN_free(z);
    BN_CTX_free(bc);
    return ok;
}

static int ecdh_premaster(struct client *c, struct buf *b, unsigned char *pms, size_t *pms_len)
{
    enum tweak t = tweak(c);
    unsigned char point[65];
    size_t len;

    *pms_len = 256;
    if (!shared_secret(c->ske_group, c->ske_point, c->ske_point_len, pms, pms_len))
        return 0;
    if (c->ske_group == 0x001d) {
        memcpy(point, x25519_pub, len = 32);
        if (t == T12_EC_X25519_ZERO)
            memset(point, 0, 32);
        if (t == T12_EC_X25519_SHORT)
            len = 31;
    } else {
        memcpy(point, p256_pub, len = 65);
        if (t == T12_EC_P256_OFF_CURVE)
            point[64] ^= 1;
        if (t == T12_EC_P256_COMPRESSED) {
            point[0] = 2 | (p256_pub[64] & 1);
            len = 33;
        }
        if (t == T12_EC_P256_INFINITY)
            point[0] = 0, len = 1;
    }
    if (t == T12_EC_EMPTY)
        len = 0;
    put_u8(b, (unsigned)len);
    put(b, point, len);
    return 1;
}

/* The master secret (RFC 7627 when the server agreed to it) and the key
 * block (RFC 5246 6.3): the client's write key first. */
static void keys12(struct client *c, const unsigned char *pms, size_t pms_len)
{
    unsigned char seed[64], block[2 * 48 + 2 * 32 + 2 * 12], th[EVP_MAX_MD_SIZE];
    size_t kl = (size_t)EVP_CIPHER_get_key_length(c->cipher);
    size_t il = EVP_CIPHER_get_nid(c->cipher) == NID_chacha20_poly1305 ? 12 : 4;
    const EVP_MD *mac = c->suite->mac != NULL ? c->suite->mac() : NULL;
    size_t ml = mac != NULL ? (size_t)EVP_MD_get_size(mac) : 0;

    if (c->ems) {
        transcript_hash(c, th);
        wire_tls12_prf(c->md, pms, pms_len, "extended master secret", th, c->hl, c->master12, 48);
    } else {
        memcpy(seed, c->hello.random, 32);
        memcpy(seed + 32, c->server_random, 32);
        wire_tls12_prf(c->md, pms, pms_len, "master secret", seed, 64, c->master12, 48);
    }
    memcpy(seed, c->server_random, 32);
    memcpy(seed + 32, c->hello.random, 32);
    if (mac != NULL) {
        /* CBC: the MAC keys first, no implicit IV (RFC 5246 6.3) */
        wire_tls12_prf(c->md, c->master12, 48, "key expansion", seed, 64, block, 2 * ml + 2 * kl);
        c->wr.mac = c->rd.mac = mac;
        c->wr.etm = c->rd.etm = c->etm;
        c->wr.mac_key_len = c->rd.mac_key_len = ml;
        memcpy(c->wr.mac_key, block, ml);
        memcpy(c->rd.mac_key, block + ml, ml);
        c->wr.cipher = c->rd.cipher = c->cipher;
        c->wr.key_len = c->rd.key_len = kl;
        memcpy(c->wr.key, block + 2 * ml, kl);
        memcpy(c->rd.key, block + 2 * ml + kl, kl);
        c->wr.seq = c->rd.seq = 0;
        return;
    }
    wire_tls12_prf(c->md, c->master12, 48, "key expansion", seed, 64, block, 2 * kl + 2 * il);
    c->wr.cipher = c->rd.cipher = c->cipher;
    c->wr.key_len = c->rd.key_len = kl;
    c->wr.iv_len = c->rd.iv_len = il;
    memcpy(c->wr.key, block, kl);
    memcpy(c->rd.key, block + kl, kl);
    memcpy(c->wr.iv, block + 2 * kl, il);
    memcpy(c->rd.iv, block + 2 * kl + il, il);
    c->wr.seq = c->rd.seq = 0;
}

/* The client key's own TLS 1.2 scheme. */
static unsigned native_scheme(EVP_PKEY *key)
{
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
        return 0x0804; /* rsa_pss_rsae_sha256 */
    case EVP_PKEY_ED25519:
        return 0x0807;
    default:
        return 0x0403; /* ecdsa_secp256r1_sha256 */
    }
}

/* RSA-PSS with a fixed salt (of the hash's length, as RFC 8446 4.2.3 asks
 * and stock checks): the same signature on every run, so that an altered
 * byte of it means the same to libcrypto's checks every time.  EMSA-PSS
 * (RFC 8017 9.1.1) by hand, then the raw RSA operation. */
static size_t pss_fixed_salt(EVP_PKEY *key, const EVP_MD *md, const unsigned char *tbs, size_t len,
                             unsigned char *sig)
{
    unsigned char em[256], m2[8 + 2 * EVP_MAX_MD_SIZE], h[EVP_MAX_MD_SIZE], mask[EVP_MAX_MD_SIZE];
    size_t hl = (size_t)EVP_MD_get_size(md), em_len = sizeof(em), db_len = em_len - hl - 1;
    size_t sig_len = 512;
    unsigned int n;
    EVP_PKEY_CTX *ctx;

    if (EVP_PKEY_get_bits(key) != 2048)
        return 0;
    memset(m2, 0, 8);
    EVP_Digest(tbs, len, m2 + 8, &n, md, NULL);
    memset(m2 + 8 + hl, 0x5a, hl); /* the salt */
    EVP_Digest(m2, 8 + 2 * hl, h, &n, md, NULL);
    /* DB = PS || 0x01 || salt, masked with MGF1(H) */
    memset(em, 0, db_len - hl - 1);
    em[db_len - hl - 1] = 0x01;
    memset(em + db_len - hl, 0x5a, hl);
    for (uint32_t counter = 0; counter * hl < db_len; counter++) {
        unsigned char in[EVP_MAX_MD_SIZE + 4];
        memcpy(in, h, hl);
        in[hl] = (unsigned char)(counter >> 24), in[hl + 1] = (unsigned char)(counter >> 16);
        in[hl + 2] = (unsigned char)(counter >> 8), in[hl + 3] = (unsigned char)counter;
        EVP_Digest(in, hl + 4, mask, &n, md, NULL);
        for (size_t i = 0; i < hl && counter * hl + i < db_len; i++)
            em[counter * hl + i] ^= mask[i];
    }
    em[0] &= 0x7f; /* emBits = 2047 */
    memcpy(em + db_len, h, hl);
    em[em_len - 1] = 0xbc;
    ctx = EVP_PKEY_CTX_new(key, NULL);
    if (ctx == NULL || EVP_PKEY_sign_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) != 1 ||
        EVP_PKEY_sign(ctx, sig, &sig_len, em, em_len) != 1)
        sig_len = 0;
    EVP_PKEY_CTX_free(ctx);
    return sig_len;
}

/* A signature over tbs in `scheme` (ECDSA: 72 bytes; RSA-PSS: a fixed
 * salt). */
static size_t sign_scheme(EVP_PKEY *key, unsigned scheme, const unsigned char *tbs, size_t len,
                          unsigned char *sig)
{
    const EVP_MD *md = (scheme >> 8) == 0x02                       ? EVP_sha1()
                       : (scheme >> 8) == 0x05 || scheme == 0x0805 ? EVP_sha384()
                                                                   : EVP_sha256();
    EVP_MD_CTX *ctx;
    size_t sig_len = 512;

    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC)
        return sign72(key, md, tbs, len, sig);
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && (scheme >> 8) == 0x08)
        return pss_fixed_salt(key, md, tbs, len, sig);
    ctx = EVP_MD_CTX_new();
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519)
        md = NULL;
    if (EVP_DigestSignInit(ctx, NULL, md, NULL, key) != 1)
        sig_len = 0;
    if (sig_len > 0 && EVP_DigestSign(ctx, sig, &sig_len, tbs, len) != 1)
        sig_len = 0;
    EVP_MD_CTX_free(ctx);
    return sig_len;
}

/* struct { SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>;
 * } CertificateVerify;                       (RFC 5246 7.4.8, 4.7) */
static void certificate_verify12(struct client *c, struct buf *m)
{
    struct buf b;
    unsigned char sig[512];
    enum tweak t = tweak(c);
    EVP_PKEY *key = t == T12_CERT_UNTRUSTED ? other_client_key : client_key;
    unsigned scheme = native_scheme(key), signed_as;
    size_t sig_len;

    switch (t) {
    case T12_CV_P384_SCHEME:
        scheme = 0x0503;
        break;
    case T12_CV_SHA1_SCHEME:
        scheme = 0x0203;
        break;
    case T12_CV_PKCS1:
        scheme = 0x0401;
        break;
    case T12_CV_PKCS1_SHA1:
        scheme = 0x0201;
        break;
    case T12_CV_PSS_SHA384:
        scheme = 0x0805;
        break;
    default:
        break;
    }
    signed_as = scheme;
    sig_len = sign_scheme(key, signed_as, c->transcript.b,
                          t == T12_CV_OTHER_DATA ? c->transcript.n - 1 : c->transcript.n, sig);
    switch (t) {
    case T12_CV_AS_PKCS1:
        scheme = 0x0401;
        break;
    case T12_CV_AS_PSS_PSS:
        scheme = 0x0809;
        break;
    case T12_CV_AS_ED25519:
        scheme = 0x0807;
        break;
    case T12_CV_AS_ED448:
        scheme = 0x0808;
        break;
    case T12_CV_AS_ECDSA:
        scheme = 0x0403;
        break;
    case T12_CV_SIG_EMPTY:
        sig_len = 0;
        break;
    default:
        break;
    }
    b.n = 0;
    put_u16(&b, scheme);
    put_u16(&b, (unsigned)sig_len);
    put(&b, sig, sig_len);
    m->n = 0;
    message(m, 15, &b);
}

static void finished12(struct client *c, struct buf *m)
{
    struct buf b;
    unsigned char th[EVP_MAX_MD_SIZE];

    transcript_hash(c, th);
    b.n = 12;
    wire_tls12_prf(c->md, c->master12, 48, "client finished", th, c->hl, b.b, 12);
    m->n = 0;
    message(m, 20, &b);
}

static void handshake_records12(struct buf *out, const struct buf *plain)
{
    for (size_t off = 0; off < plain->n; off += 16384)
        wire_record(out, 22, 0x0303, plain->b + off,
                    plain->n - off < 16384 ? plain->n - off : 16384);
}

static void client_flight12(struct client *c, SSL *s)
{
    static struct buf out, plain, m;
    enum tweak t = tweak(c);
    unsigned char pms[600];
    size_t pms_len = 0;
    int go = 1, ok, cert = (c->cert_requested && t != T12_NO_CERT) || t == T12_UNSOLICITED_CERT;
    int empty = t == T12_EMPTY_CERT;

    out.n = plain.n = 0;
    if (t == T12_WARNINGS)
        for (int i = 0; i < 5; i++)
            wire_record(&out, 21, 0x0303, (const unsigned char *)"\x01\x5a", 2);
    if (t == T12_EMPTY_RECORDS)
        for (int i = 0; i < 40; i++)
            wire_record(&out, 22, 0x0303, NULL, 0);
    if (t == T12_CCS_EARLY)
        ccs(&out, "\x01", 1);
    if (cert) {
        certificate12(c, &m, empty);
        go = add_message(c, &plain, &m);
    }
    if (go) {
        struct buf b;
        b.n = 0;
        ok = c->suite->kx == KX_RSA   ? (rsa_premaster(c, &b, pms, &pms_len), 1)
             : c->suite->kx == KX_DHE ? dh_premaster(c, &b, pms, &pms_len)
                                      : ecdh_premaster(c, &b, pms, &pms_len);
        if (!ok) {
            say(c, "(the client cannot make its key exchange)");
            return;
        }
        m.n = 0;
        message(&m, 16, &b);
        go = add_message(c, &plain, &m);
        if (t == T12_CKE_TWICE)
            put(&plain, m.b, m.n);
        keys12(c, pms, pms_len);
    }
    if (go && cert && !empty && t != T12_NO_CV) {
        certificate_verify12(c, &m);
        go = add_message(c, &plain, &m);
    }
    handshake_records12(&out, &plain);
    if (go) {
        if (t == T12_CCS_TWICE)
            ccs(&out, "\x01", 1);
        if (t != T12_NO_CCS && t != T12_FINISHED_PLAIN && t != T12_CCS_EARLY)
            ccs(&out, t == T12_CCS_BAD ? "\x02" : "\x01\x01",
                t == T12_CCS_LONG    ? 2
                : t == T12_CCS_EMPTY ? 0
                                     : 1);
        if (t == T12_DATA_BEFORE_FINISHED)
            wire_seal12(&out, &c->wr, 23, (const unsigned char *)"early", 5);
        finished12(c, &m);
        plain.n = 0;
        go = add_message(c, &plain, &m);
        if (t == T12_CBC_FIN_BAD_PADDING || t == T12_CBC_FIN_BAD_MAC)
            c->wr.damage = t == T12_CBC_FIN_BAD_PADDING ? CBC_BAD_PADDING : CBC_BAD_MAC;
        if (t == T12_FINISHED_PLAIN)
            handshake_records12(&out, &plain);
        else
            wire_seal12(&out, &c->wr, 22, plain.b, plain.n);
        memcpy(c->verify_client, m.b + 4, 12); /* for renegotiation */
    }
    exchange(c, s, &out, "client flight", CALL_ACCEPT);
    if (last_ret == 1 && go)
        c->done = 1;
}

/* ------------------------------------------------ after the handshake */

static void seal_content(struct client *c, struct buf *out, unsigned type, const void *p, size_t n)
{
    if (c->version == 0x0304)
        wire_seal13(out, &c->wr, p, n, type);
    else
        wire_seal12(out, &c->wr, type, p, n);
}

static void server_write(struct client *c, SSL *s, const char *what, const char *data)
{
    int r = SSL_write(s, data, (int)strlen(data));

    if (printing(c)) {
        printf("%s: %s: write %d, error %d\n", c->label, what, r, SSL_get_error(s, r));
        diff_print_errors("   ");
    }
    ERR_clear_error();
    take_output(c, SSL_get_wbio(s));
}

/* Application data both ways. */
static void data_step(struct client *c, SSL *s)
{
    static struct buf out;

    out.n = 0;
    if (tweak(c) == T12_CBC_DATA_BAD_PADDING)
        c->wr.damage = CBC_BAD_PADDING;
    if (tweak(c) == T12_CBC_DATA_BAD_MAC)
        c->wr.damage = CBC_BAD_MAC;
    seal_content(c, &out, 23, "ping", 4);
    exchange(c, s, &out, "data", CALL_READ);
    if (last_ret > 0)
        server_write(c, s, "answer", "pong");
}

static void close_step(struct client *c, SSL *s)
{
    static struct buf out;
    int r;

    out.n = 0;
    seal_content(c, &out, 21, "\x01\x00", 2);
    exchange(c, s, &out, "close_notify", CALL_READ);
    r = SSL_shutdown(s);
    if (printing(c)) {
        printf("%s: shutdown: %d\n", c->label, r);
        diff_print_errors("   ");
    }
    ERR_clear_error();
    take_output(c, SSL_get_wbio(s));
}

static void suites_no_scsv(struct hello *h);

/* The renegotiation ClientHello (RFC 5746 3.5): the first one's contents,
 * renegotiation_info with the client's verify_data, no SCSV. */
static void reneg_hello(const struct mode *m, struct hello *h, const unsigned char *verify)
{
    unsigned char ri[13];

    hello_default(m, h);
    suites_no_scsv(h);
    ri[0] = 12;
    memcpy(ri + 1, verify, 12);
    set_ext(h, 0xff01, ri, sizeof(ri));
}

/* A client-initiated renegotiation: the ClientHello under the current keys,
 * damaged as the case asks, and the server's answer (a new handshake's
 * flight, followed as far as its ServerHelloDone) or refusal. */
static void renegotiate12(struct client *c, SSL *s)
{
    static struct buf out, m, sent;
    struct hello *h = &c->hello;
    size_t at;

    reneg_hello(c->mode, h, c->verify_client);
    edit_hello(c, h, 2);
    hello_serialize(h, &m, &at);
    c->transcript.n = 0; /* a new handshake */
    c->flight_done = 0;
    c->ems = c->etm = 0;
    c->renegotiating = 1;
    sent.n = out.n = 0;
    add_message(c, &sent, &m);
    for (size_t off = 0; off < sent.n; off += 16384)
        wire_seal12(&out, &c->wr, 22, sent.b + off, sent.n - off < 16384 ? sent.n - off : 16384);
    exchange(c, s, &out, "renegotiation ClientHello", CALL_READ);
}

/* Messages a client must not send once the handshake is over. */
static int odd_after_handshake(struct client *c, SSL *s)
{
    static struct buf out, plain, m, b;
    enum tweak t = tweak(c);
    size_t at;

    out.n = plain.n = b.n = 0;
    switch (t) {
    case T13P_FINISHED:
        finished13(c, &m, c->c_ap);
        break;
    case T13P_CLIENT_HELLO:
        hello_serialize(&c->hello, &m, &at);
        break;
    case T13P_TICKET:
        put(&b, "\x00\x00\x1c\x20\x01\x02\x03\x04\x01\x00\x00\x04tick\x00\x00", 17);
        m.n = 0;
        message(&m, 4, &b);
        break;
    case T13P_CCS:
        ccs(&out, "\x01", 1);
        break;
    case T13P_WARNINGS:
        for (int i = 0; i < 5; i++)
            wire_seal13(&out, &c->wr, (const unsigned char *)"\x01\x5a", 2, 21);
        break;
    case T13P_PHA_UNSOLICITED:
        certificate13(c, &m, NULL, 0, 0);
        put(&plain, m.b, m.n);
        transcript_add(c, m.b, m.n);
        certificate_verify13(c, &m);
        put(&plain, m.b, m.n);
        transcript_add(c, m.b, m.n);
        finished13(c, &m, c->c_ap);
        break;
    default:
        return 0;
    }
    if (t != T13P_CCS && t != T13P_WARNINGS) {
        put(&plain, m.b, m.n);
        seal_handshake13(c, &out, &plain);
    }
    wire_seal13(&out, &c->wr, (const unsigned char *)"after", 5, 23);
    exchange(c, s, &out, "after the handshake", CALL_READ);
    return 1;
}

/* KeyUpdate, then post-handshake client authentication (RFC 8446 4.6). */
static void post13(struct client *c, SSL *s)
{
    static struct buf out, plain, m, b;
    enum tweak t = tweak(c);
    X509 *peer;
    size_t at;
    int go = 1, r, empty = t == T13P_PHA_EMPTY_CERT;

    if (odd_after_handshake(c, s))
        return;
    out.n = plain.n = b.n = 0;
    put_u8(&b, t == T13P_KU_REQUESTED ? 1 : t == T13P_KU_BAD ? 2 : 0);
    m.n = 0;
    message(&m, 24, &b);
    at = c->transcript.n;
    add_message(c, &plain, &m);
    c->transcript.n = at; /* (KeyUpdate is no part of the transcript) */
    if (t == T13P_KU_THEN_MESSAGE)
        put(&plain, m.b, m.n);
    seal_handshake13(c, &out, &plain);
    next_secret(c, c->c_ap, &c->wr);
    if (t == T13P_KU_TWICE) {
        wire_seal13(&out, &c->wr, m.b, m.n, 22);
        next_secret(c, c->c_ap, &c->wr);
    }
    wire_seal13(&out, &c->wr, (const unsigned char *)"after key update", 16, 23);
    exchange(c, s, &out, "KeyUpdate", CALL_READ);
    if (c->damaged || last_ret <= 0)
        return;
    if (t == T13P_KU_REQUESTED)
        server_write(c, s, "then", "x");

    r = SSL_verify_client_post_handshake(s);
    if (printing(c)) {
        printf("%s: verify_client_post_handshake: %d\n", c->label, r);
        diff_print_errors("   ");
    }
    ERR_clear_error();
    exchange(c, s, NULL, "CertificateRequest", CALL_HANDSHAKE);
    if (!c->pha_requested || c->broken)
        return;
    out.n = plain.n = 0;
    if (t == T13P_PHA_WRONG_CONTEXT && c->cr_ctx_len > 0)
        c->cr_ctx[0] ^= 1;
    certificate13(c, &m, c->cr_ctx, c->cr_ctx_len, empty);
    go = add_message(c, &plain, &m);
    if (go && !empty) {
        certificate_verify13(c, &m);
        go = add_message(c, &plain, &m);
    }
    if (go) {
        finished13(c, &m, c->c_ap);
        add_message(c, &plain, &m);
    }
    seal_handshake13(c, &out, &plain);
    wire_seal13(&out, &c->wr, (const unsigned char *)"after authentication", 20, 23);
    exchange(c, s, &out, "authentication", CALL_READ);
    if (printing(c) && last_ret > 0) {
        peer = SSL_get1_peer_certificate(s);
        printf("%s: peer certificate %s, verify result %ld\n", c->label,
               peer == NULL ? "none" : "received", SSL_get_verify_result(s));
        X509_free(peer);
    }
}

static int play(SSL_CTX *ctx, struct client *c);
static struct client ticket_client;

/* A handshake of its own, for the ticket the psk mode resumes with, and the
 * PSK it stands for (RFC 8446 4.6.1).  Each case gets a fresh one: stock
 * drops a session from its cache when it sends a fatal alert during its
 * resumption, so a ticket would not outlive the first case that fails. */
static int take_ticket(SSL_CTX *ctx, const struct mode *m)
{
    struct client *c = &ticket_client;

    memset(c, 0, sizeof(*c));
    c->mode = m;
    c->target = -1;
    resume.have = 0;
    play(ctx, c);
    if (!c->done || !c->have_ticket || c->ticket_len > sizeof(resume.ticket))
        return 0;
    memcpy(resume.ticket, c->ticket, c->ticket_len);
    resume.ticket_len = c->ticket_len;
    resume.age_add = c->age_add;
    resume.md = c->md;
    wire_expand_label(c->md, c->res_master, "resumption", c->nonce, c->nonce_len, resume.psk,
                      c->hl);
    resume.have = 1;
    return 1;
}

/* ------------------------------------------------------ one connection */

static int play(SSL_CTX *ctx, struct client *c)
{
    SSL *s;
    BIO *rb, *wb;
    int result;

    if (c->mode->psk && c != &ticket_client && !take_ticket(ctx, c->mode)) {
        if (c->label != NULL)
            printf("%s: no ticket to resume with\n", c->label);
        return 0;
    }
    s = SSL_new(ctx);
    rb = BIO_new(BIO_s_mem());
    wb = BIO_new(BIO_s_mem());

    BIO_set_mem_eof_return(rb, -1);
    SSL_set_bio(s, rb, wb);
    if (send_hello(c, s, 0) && c->hrr && c->version == 0)
        send_hello(c, s, 1);
    if (waiting(c) && c->flight_done) {
        if (c->version == 0x0304)
            client_flight13(c, s);
        else
            client_flight12(c, s);
    }
    if (c->done && !c->broken) {
        if (printing(c))
            printf("%s: version %s, cipher %s, resumed %d\n", c->label, SSL_get_version(s),
                   SSL_CIPHER_get_name(SSL_get_current_cipher(s)), SSL_session_reused(s));
        /* A damaged ClientHello the server went along with, or an extension
         * case: the handshake is what shows; the rest is the intact run's. */
        if (c->damaged || (c->ee.kind != EE_NONE && c->ee.which != 2))
            goto end;
        data_step(c, s);
        if (tweak(c) == T12_RENEGOTIATE || c->mode->reneg)
            renegotiate12(c, s);
        else if (c->mode->post)
            post13(c, s);
        if (tweak(c) != T12_RENEGOTIATE && !c->mode->reneg && (!c->damaged || c->damaged_hello) &&
            !c->alert && !c->broken)
            close_step(c, s);
    }
end:
    result = c->target >= 0 ? (int)c->target_body : c->msg_no;
    ERR_clear_error();
    SSL_free(s);
    EVP_PKEY_free(c->server_pub);
    BN_free(c->dh_p), BN_free(c->dh_g), BN_free(c->dh_ys);
    return result;
}

static struct client the_client;

static struct client *new_client(const struct mode *m, const char *label, int target,
                                 const struct damage *d)
{
    struct client *c = &the_client;

    memset(c, 0, sizeof(*c));
    c->mode = m;
    c->label = label;
    c->target = target;
    c->dmg = d;
    return c;
}

/* ------------------------------------------------------ named cases */

/* ClientHello edits.  Versions and records: */
static void legacy_0300(struct hello *h)
{
    h->version = 0x0300;
}
static void legacy_0301(struct hello *h)
{
    h->version = 0x0301;
}
static void legacy_0302(struct hello *h)
{
    h->version = 0x0302;
}
static void legacy_0304(struct hello *h)
{
    h->version = 0x0304;
}
static void legacy_0400(struct hello *h)
{
    h->version = 0x0400;
}
static void legacy_0200(struct hello *h)
{
    h->version = 0x0200;
}
static void legacy_fefd(struct hello *h)
{
    h->version = 0xfefd;
}
static void record_0300(struct hello *h)
{
    h->record_version = 0x0300;
}
static void record_0303(struct hello *h)
{
    h->record_version = 0x0303;
}
static void record_0304(struct hello *h)
{
    h->record_version = 0x0304;
}
static void record_0200(struct hello *h)
{
    h->record_version = 0x0200;
}
static void record_fefd(struct hello *h)
{
    h->record_version = 0xfefd;
}
/* Session ids, suites, compression, the extensions block: */
static void sid_empty(struct hello *h)
{
    h->sid_len = 0;
}
static void sid_33(struct hello *h)
{
    memset(h->sid, 0x33, 33);
    h->sid_len = 33;
}
static void sid_32(struct hello *h)
{
    memset(h->sid, 0x32, 32);
    h->sid_len = 32;
}
static void sid_changed(struct hello *h)
{
    h->sid[0] ^= 1;
}
static void random_changed(struct hello *h)
{
    h->random[31] ^= 1;
}
static void suites_empty(struct hello *h)
{
    h->suites_len = 0;
}
static void suites_odd(struct hello *h)
{
    h->suites[h->suites_len++] = 0x13;
}
static void suites_tls12(struct hello *h)
{
    set_suites(h, LIST(0xc02b, 0xc02f));
}
static void suites_tls13(struct hello *h)
{
    set_suites(h, LIST(0x1301, 0x1302));
}
static void suites_unknown(struct hello *h)
{
    set_suites(h, LIST(0xabcd, 0x1304, 0x1305));
}
static void suites_fallback(struct hello *h)
{
    h->suites[h->suites_len++] = 0x56;
    h->suites[h->suites_len++] = 0x00;
}
static void suites_no_scsv(struct hello *h)
{
    if (h->suites_len >= 2 && h->suites[h->suites_len - 1] == 0xff)
        h->suites_len -= 2;
}
static void suites_reordered(struct hello *h)
{
    set_suites(h, LIST(0x1302, 0x1301, 0x00ff));
}
static void suites_1302_only(struct hello *h)
{
    set_suites(h, LIST(0x1302, 0x00ff));
}
static void suites_1301_only(struct hello *h)
{
    set_suites(h, LIST(0x1301, 0x00ff));
}
static void comp_no_null(struct hello *h)
{
    h->comp[0] = 1;
}
static void comp_empty(struct hello *h)
{
    h->comp_len = 0;
}
static void comp_deflate_first(struct hello *h)
{
    h->comp[0] = 1, h->comp[1] = 0, h->comp_len = 2;
}
static void no_exts(struct hello *h)
{
    h->no_exts = 1;
}
static void exts_empty(struct hello *h)
{
    h->num_ext = 0;
}
static void exts_trailer(struct hello *h)
{
    h->exts_trailer = 1;
}
/* supported_versions: */
static void sv_12(struct hello *h)
{
    set_u16_list_ext(h, 43, 1, LIST(0x0303));
}
static void sv_11(struct hello *h)
{
    set_u16_list_ext(h, 43, 1, LIST(0x0302, 0x0301));
}
static void sv_empty(struct hello *h)
{
    set_ext(h, 43, "\x00", 1);
}
static void sv_13(struct hello *h)
{
    set_u16_list_ext(h, 43, 1, LIST(0x0304));
}
static void sv_13_12(struct hello *h)
{
    set_u16_list_ext(h, 43, 1, LIST(0x0304, 0x0303));
}
static void sv_grease(struct hello *h)
{
    set_u16_list_ext(h, 43, 1, LIST(0x0a0a, 0x0304, 0x0303));
}
static void sv_future(struct hello *h)
{
    set_u16_list_ext(h, 43, 1, LIST(0x0305, 0x0304));
}
static void sv_draft(struct hello *h)
{
    set_u16_list_ext(h, 43, 1, LIST(0x7f1c));
}
static void sv_odd(struct hello *h)
{
    set_ext(h, 43, "\x03\x03\x04\x03", 4);
}
/* key_share and supported_groups: */
static void ks_p256(struct hello *h)
{
    set_key_share(h, LIST(0x0017));
}
static void ks_x25519_p256(struct hello *h)
{
    set_key_share(h, LIST(0x001d, 0x0017));
}
static void ks_p256_x25519(struct hello *h)
{
    set_key_share(h, LIST(0x0017, 0x001d));
}
static void ks_none(struct hello *h)
{
    set_key_share(h, NULL, 0);
}
static void ks_unknown(struct hello *h)
{
    set_key_share(h, LIST(0x1234));
}
static void ks_twice(struct hello *h)
{
    set_key_share(h, LIST(0x001d, 0x001d));
}
static void ks_ffdhe_junk(struct hello *h)
{
    set_key_share(h, LIST(0x0100));
}
static void ks_not_in_groups(struct hello *h)
{
    set_u16_list_ext(h, 10, 2, LIST(0x001d));
    set_key_share(h, LIST(0x0017));
}
static void ks_groups_p256_first(struct hello *h)
{
    set_u16_list_ext(h, 10, 2, LIST(0x0017, 0x001d));
}
static void ks_x25519_short(struct hello *h)
{
    set_key_share(h, LIST(0x001d));
    find_ext(h, 51)->len -= 1;
    find_ext(h, 51)->body[1] -= 1; /* client_shares */
    find_ext(h, 51)->body[5] -= 1; /* key_exchange */
}
static void ks_x25519_zero(struct hello *h)
{
    set_key_share(h, LIST(0x001d));
    memset(find_ext(h, 51)->body + 6, 0, 32);
}
static void ks_p256_off_curve(struct hello *h)
{
    set_key_share(h, LIST(0x0017));
    find_ext(h, 51)->body[6 + 64] ^= 1;
}
static void ks_p256_compressed(struct hello *h)
{
    struct buf b;
    b.n = 0;
    put_u16(&b, 2 + 2 + 33);
    put_u16(&b, 0x0017), put_u16(&b, 33);
    put_u8(&b, 2 | (p256_pub[64] & 1));
    put(&b, p256_pub + 1, 32);
    set_ext_buf(h, 51, &b);
}
static void groups_p256(struct hello *h)
{
    set_u16_list_ext(h, 10, 2, LIST(0x0017));
}
static void groups_none_common(struct hello *h)
{
    set_u16_list_ext(h, 10, 2, LIST(0x1234));
}
static void groups_empty(struct hello *h)
{
    set_ext(h, 10, "\x00\x00", 2);
}
static void groups_no_p256(struct hello *h)
{
    set_u16_list_ext(h, 10, 2, LIST(0x001d, 0x001e));
}
static void point_formats_compressed(struct hello *h)
{
    set_ext(h, 11, "\x02\x01\x02", 3);
}
/* signature_algorithms: */
static void sa_sha1(struct hello *h)
{
    set_u16_list_ext(h, 13, 2, LIST(0x0201, 0x0203));
}
static void sa_rsa(struct hello *h)
{
    set_u16_list_ext(h, 13, 2, LIST(0x0804, 0x0401));
}
static void sa_p384(struct hello *h)
{
    set_u16_list_ext(h, 13, 2, LIST(0x0503));
}
static void sa_empty(struct hello *h)
{
    set_ext(h, 13, "\x00\x00", 2);
}
static void sa_odd(struct hello *h)
{
    set_ext(h, 13, "\x00\x03\x04\x03\x05", 5);
}
static void sa_cert_ecdsa(struct hello *h)
{
    set_u16_list_ext(h, 50, 2, LIST(0x0403));
}
static void sa_cert_rsa(struct hello *h)
{
    set_u16_list_ext(h, 50, 2, LIST(0x0804));
}
/* pre_shared_key without a ticket the server issued, and other extensions: */
static void psk_unknown(struct hello *h)
{
    set_psk(h, (const int[]){0}, 1, 1, 32);
}
static void psk_unknown_not_last(struct hello *h)
{
    struct ext e;
    psk_unknown(h);
    e = *find_ext(h, 41);
    del_ext(h, 41);
    set_ext(h, 41, e.body, e.len)->binders_at = e.binders_at;
    /* ... and one more after it */
    h->ext[h->num_ext++] = (struct ext){0xfafa, 0, {0}, 0};
}
static void psk_ke_only_unknown(struct hello *h)
{
    set_ext(h, 45, "\x01\x00", 2);
    psk_unknown(h);
}
static void psk_unknown_no_modes(struct hello *h)
{
    del_ext(h, 45);
    psk_unknown(h);
}
static void early_data(struct hello *h)
{
    set_ext(h, 42, NULL, 0);
}
static void cookie_unsolicited(struct hello *h)
{
    set_ext(h, 44,
            "\x00\x04"
            "abcd",
            6);
}
static void grease_ext(struct hello *h)
{
    set_ext(h, 0x0a0a, NULL, 0);
}
static void unknown_ext(struct hello *h)
{
    set_ext(h, 0x1234, "abc", 3);
}
static void cert_authorities(struct hello *h)
{
    struct buf b;
    unsigned char *der = NULL;
    int n = i2d_X509_NAME(X509_get_subject_name(server_ec_cert), &der);
    b.n = 0;
    put_u16(&b, (unsigned)n + 2);
    put_u16(&b, (unsigned)n);
    put(&b, der, (size_t)n);
    OPENSSL_free(der);
    set_ext_buf(h, 47, &b);
}
static void reneg_empty(struct hello *h)
{
    set_ext(h, 0xff01, "\x00", 1);
}
static void reneg_ext_no_scsv(struct hello *h)
{
    suites_no_scsv(h);
    reneg_empty(h);
}
/* CBC suites. */
static void suites_c023(struct hello *h)
{
    set_suites(h, LIST(0xc023, 0x00ff));
}
static void suites_c024(struct hello *h)
{
    set_suites(h, LIST(0xc024, 0x00ff));
}
static void etm_offered(struct hello *h)
{
    set_ext(h, 22, NULL, 0);
}

/* Renegotiation ClientHello edits (RFC 5746 3.7). */
static void reneg_ri_out(struct hello *h)
{
    del_ext(h, 0xff01);
}
static void reneg_ri_altered(struct hello *h)
{
    find_ext(h, 0xff01)->body[12] ^= 0x01;
}
static void reneg_ri_24(struct hello *h)
{
    struct ext *e = find_ext(h, 0xff01);
    e->body[0] = 24;
    memset(e->body + 13, 0, 12);
    e->len = 25;
}
static void reneg_ri_short(struct hello *h)
{
    struct ext *e = find_ext(h, 0xff01);
    e->body[0] = 11;
    e->len = 12;
}
static void reneg_scsv(struct hello *h)
{
    h->suites[h->suites_len++] = 0x00;
    h->suites[h->suites_len++] = 0xff;
}
static void reneg_scsv_no_ri(struct hello *h)
{
    reneg_scsv(h);
    reneg_ri_out(h);
}
static void reneg_no_ems(struct hello *h)
{
    del_ext(h, 23);
}
static void reneg_nonempty(struct hello *h)
{
    set_ext(h, 0xff01,
            "\x0c"
            "verify_data.",
            13);
}
static void mfl_512(struct hello *h)
{
    set_ext(h, 1, "\x01", 1);
}
static void mfl_bad(struct hello *h)
{
    set_ext(h, 1, "\x05", 1);
}
static void padding_ext(struct hello *h)
{
    static const unsigned char zeros[64];
    set_ext(h, 21, zeros, sizeof(zeros));
}
static void heartbeat(struct hello *h)
{
    set_ext(h, 15, "\x01", 1);
}
static void ticket_unknown(struct hello *h)
{
    set_ext(h, 35, "an unknown ticket", 17);
}
static void sni_two(struct hello *h)
{
    set_ext(h, 0,
            "\x00\x1a\x00\x00\x0b"
            "accept.test"
            "\x00\x00\x0a"
            "other.test",
            28);
}
static void sni_type_1(struct hello *h)
{
    set_ext(h, 0,
            "\x00\x0e\x01\x00\x0b"
            "accept.test",
            16);
}
static void sni_empty_name(struct hello *h)
{
    set_ext(h, 0, "\x00\x03\x00\x00\x00", 5);
}
static void sni_nul(struct hello *h)
{
    set_ext(h, 0,
            "\x00\x0e\x00\x00\x0b"
            "accept\0test",
            16);
}
static void sni_long(struct hello *h)
{
    struct buf b;
    b.n = 0;
    put_u16(&b, 3 + 256), put_u8(&b, 0), put_u16(&b, 256);
    for (int i = 0; i < 256; i++)
        put_u8(&b, 'a');
    set_ext_buf(h, 0, &b);
}
static void sni_other(struct hello *h)
{
    set_ext(h, 0,
            "\x00\x0d\x00\x00\x0a"
            "other.test",
            15);
}
static void alpn_empty_name(struct hello *h)
{
    set_ext(h, 16, "\x00\x04\x02h2\x00", 6);
}
static void alpn_unmatched(struct hello *h)
{
    set_ext(h, 16, "\x00\x07\x06spdy/1", 9);
}
static void alpn_empty_list(struct hello *h)
{
    set_ext(h, 16, "\x00\x00", 2);
}
static void no_alpn(struct hello *h)
{
    del_ext(h, 16);
}
static void pha_with_body(struct hello *h)
{
    set_ext(h, 49, "\x00", 1);
}
static void no_pha(struct hello *h)
{
    del_ext(h, 49);
}
/* Framing: */
static void fr_split(struct hello *h)
{
    h->framing = FR_SPLIT;
}
static void fr_bytes(struct hello *h)
{
    h->framing = FR_BYTES;
}
static void fr_ccs_first(struct hello *h)
{
    h->framing = FR_CCS_FIRST;
}
static void fr_alert_first(struct hello *h)
{
    h->framing = FR_ALERT_FIRST;
}
static void fr_data_first(struct hello *h)
{
    h->framing = FR_DATA_FIRST;
}
static void fr_empty_first(struct hello *h)
{
    h->framing = FR_EMPTY_FIRST;
}
static void fr_twice(struct hello *h)
{
    h->framing = FR_TWICE;
}
static void fr_trailer(struct hello *h)
{
    h->framing = FR_TRAILER;
}
static void fr_sslv2(struct hello *h)
{
    h->framing = FR_SSLV2;
}
static void fr_sslv2_tls10(struct hello *h)
{
    h->framing = FR_SSLV2;
    h->version = 0x0301;
}
/* With a ticket the server issued (psk): */
static void psk_binder_short(struct hello *h)
{
    set_psk(h, (const int[]){1}, 1, 1, (size_t)EVP_MD_get_size(resume.md) - 1);
}
static void psk_no_binders(struct hello *h)
{
    set_psk(h, (const int[]){1}, 1, 0, 0);
}
static void psk_two_binders(struct hello *h)
{
    set_psk(h, (const int[]){1}, 1, 2, (size_t)EVP_MD_get_size(resume.md));
}
static void psk_unknown_first(struct hello *h)
{
    set_psk(h, (const int[]){0, 1}, 2, 2, (size_t)EVP_MD_get_size(resume.md));
}
static void psk_ticket_twice(struct hello *h)
{
    set_psk(h, (const int[]){1, 1}, 2, 2, (size_t)EVP_MD_get_size(resume.md));
}
static void psk_ticket_altered(struct hello *h)
{
    find_ext(h, 41)->body[4 + 10] ^= 1; /* list, identity length, then the ticket */
}
static void psk_age_off(struct hello *h)
{
    find_ext(h, 41)->body[4 + resume.ticket_len] ^= 0x40;
}
static void psk_ke_only(struct hello *h)
{
    set_ext(h, 45, "\x01\x00", 2);
}
static void psk_both_modes(struct hello *h)
{
    set_ext(h, 45, "\x02\x00\x01", 3);
}
static void psk_not_last(struct hello *h)
{
    h->ext[h->num_ext++] = (struct ext){0xfafa, 0, {0}, 0};
}
static void psk_no_key_share(struct hello *h)
{
    del_ext(h, 51);
}
/* The second ClientHello (hrr): */
static void hrr_x25519_again(struct hello *h)
{
    set_key_share(h, LIST(0x001d));
}

static const struct variant ch_variants[] = {
    {"legacy_version 0x0300", legacy_0300, 0, T_NONE},
    {"legacy_version 0x0301", legacy_0301, 0, T_NONE},
    {"legacy_version 0x0302", legacy_0302, 0, T_NONE},
    {"legacy_version 0x0304", legacy_0304, 0, T_NONE},
    {"legacy_version 0x0400", legacy_0400, 0, T_NONE},
    {"legacy_version 0x0200", legacy_0200, 0, T_NONE},
    {"legacy_version 0xfefd", legacy_fefd, 0, T_NONE},
    {"record version 0x0300", record_0300, 0, T_NONE},
    {"record version 0x0303", record_0303, 0, T_NONE},
    {"record version 0x0304", record_0304, 0, T_NONE},
    {"record version 0x0200", record_0200, 0, T_NONE},
    {"record version 0xfefd", record_fefd, 0, T_NONE},
    {"empty session id", sid_empty, 0, T_NONE},
    {"session id of 33 bytes", sid_33, 0, T_NONE},
    {"empty cipher suite list", suites_empty, 0, T_NONE},
    {"odd-length cipher suite list", suites_odd, 0, T_NONE},
    {"TLS 1.2 suites only", suites_tls12, 0, T_NONE},
    {"unknown and disabled suites only", suites_unknown, 0, T_NONE},
    {"TLS_FALLBACK_SCSV added", suites_fallback, 0, T_NONE},
    {"suites in another order", suites_reordered, 0, T_NONE},
    {"compression without null", comp_no_null, 0, T_NONE},
    {"empty compression list", comp_empty, 0, T_NONE},
    {"compression deflate, then null", comp_deflate_first, 0, T_NONE},
    {"no extensions block", no_exts, 0, T_NONE},
    {"empty extensions block", exts_empty, 0, T_NONE},
    {"a byte after the last extension", exts_trailer, 0, T_NONE},
    {"supported_versions TLS 1.2 only", sv_12, 0, T_NONE},
    {"supported_versions TLS 1.1 and 1.0", sv_11, 0, T_NONE},
    {"supported_versions empty", sv_empty, 0, T_NONE},
    {"supported_versions TLS 1.3 only", sv_13, 0, T_NONE},
    {"supported_versions with GREASE first", sv_grease, 0, T_NONE},
    {"supported_versions 0x0305 first", sv_future, 0, T_NONE},
    {"supported_versions draft 28 only", sv_draft, 0, T_NONE},
    {"supported_versions of odd length", sv_odd, 0, T_NONE},
    {"key_share P-256 only", ks_p256, 0, T_NONE},
    {"key_share X25519 and P-256", ks_x25519_p256, 0, T_NONE},
    {"key_share P-256 and X25519", ks_p256_x25519, 0, T_NONE},
    {"key_share with no share", ks_none, 0, T_NONE},
    {"key_share of an unknown group only", ks_unknown, 0, T_NONE},
    {"key_share X25519 twice", ks_twice, 0, T_NONE},
    {"key_share ffdhe2048 of 8 bytes", ks_ffdhe_junk, 0, T_NONE},
    {"key_share for a group not in supported_groups", ks_not_in_groups, 0, T_NONE},
    {"supported_groups with P-256 first", ks_groups_p256_first, 0, T_NONE},
    {"key_share X25519 of 31 bytes", ks_x25519_short, 0, T_NONE},
    {"key_share X25519 all zero", ks_x25519_zero, 0, T_NONE},
    {"key_share P-256 off the curve", ks_p256_off_curve, 0, T_NONE},
    {"key_share P-256 compressed", ks_p256_compressed, 0, T_NONE},
    {"supported_groups empty", groups_empty, 0, T_NONE},
    {"signature_algorithms SHA-1 only", sa_sha1, 0, T_NONE},
    {"signature_algorithms RSA only", sa_rsa, 0, T_NONE},
    {"signature_algorithms ECDSA P-384 only", sa_p384, 0, T_NONE},
    {"signature_algorithms empty", sa_empty, 0, T_NONE},
    {"signature_algorithms of odd length", sa_odd, 0, T_NONE},
    {"signature_algorithms_cert ECDSA", sa_cert_ecdsa, 0, T_NONE},
    {"signature_algorithms_cert RSA-PSS only", sa_cert_rsa, 0, T_NONE},
    {"pre_shared_key with an unknown ticket", psk_unknown, 0, T_NONE},
    {"pre_shared_key not last", psk_unknown_not_last, 0, T_NONE},
    {"pre_shared_key with psk_ke only", psk_ke_only_unknown, 0, T_NONE},
    {"pre_shared_key without psk_key_exchange_modes", psk_unknown_no_modes, 0, T_NONE},
    {"early_data without pre_shared_key", early_data, 0, T_NONE},
    {"a cookie the server never sent", cookie_unsolicited, 0, T_NONE},
    {"a GREASE extension", grease_ext, 0, T_NONE},
    {"an unknown extension with a body", unknown_ext, 0, T_NONE},
    {"certificate_authorities", cert_authorities, 0, T_NONE},
    {"renegotiation_info empty", reneg_empty, 0, T_NONE},
    {"renegotiation_info not empty", reneg_nonempty, 0, T_NONE},
    {"max_fragment_length 512", mfl_512, 0, T_NONE},
    {"max_fragment_length value 5", mfl_bad, 0, T_NONE},
    {"padding", padding_ext, 0, T_NONE},
    {"heartbeat", heartbeat, 0, T_NONE},
    {"server_name with two names", sni_two, 0, T_NONE},
    {"server_name of type 1", sni_type_1, 0, T_NONE},
    {"server_name empty", sni_empty_name, 0, T_NONE},
    {"server_name with a zero byte", sni_nul, 0, T_NONE},
    {"server_name of 256 bytes", sni_long, 0, T_NONE},
    {"ALPN with an empty name", alpn_empty_name, 0, T_NONE},
    {"ALPN with no protocol the server has", alpn_unmatched, 0, T_NONE},
    {"ALPN with an empty list", alpn_empty_list, 0, T_NONE},
    {"post_handshake_auth with a body", pha_with_body, 0, T_NONE},
    {"point formats without uncompressed", point_formats_compressed, 0, T_NONE},
    {"in two records", fr_split, 0, T_NONE},
    {"one record per byte", fr_bytes, 0, T_NONE},
    {"after a ChangeCipherSpec", fr_ccs_first, 0, T_NONE},
    {"after a warning alert", fr_alert_first, 0, T_NONE},
    {"after an application-data record", fr_data_first, 0, T_NONE},
    {"after an empty handshake record", fr_empty_first, 0, T_NONE},
    {"twice in one record", fr_twice, 0, T_NONE},
    {"followed by part of a message in its record", fr_trailer, 0, T_NONE},
    {"no ChangeCipherSpec", NULL, 0, T13_NO_CCS},
    {"two ChangeCipherSpec", NULL, 0, T13_CCS_TWICE},
    {"ChangeCipherSpec value 2", NULL, 0, T13_CCS_BAD},
    {"ChangeCipherSpec of two bytes", NULL, 0, T13_CCS_LONG},
    {"ChangeCipherSpec after Finished", NULL, 0, T13_CCS_AFTER_FINISHED},
    {"Finished in the clear", NULL, 0, T13_FINISHED_PLAIN},
    {"application data before Finished", NULL, 0, T13_DATA_BEFORE_FINISHED},
    {"warning alert before Finished", NULL, 0, T13_WARNING_BEFORE_FINISHED},
    {"empty handshake record before Finished", NULL, 0, T13_EMPTY_RECORD_BEFORE_FINISHED},
    {"KeyUpdate before Finished", NULL, 0, T13_KEY_UPDATE_BEFORE_FINISHED},
    {"Finished twice", NULL, 0, T13_FINISHED_TWICE},
    {"Finished over two records", NULL, 0, T13_FINISHED_SPLIT},
};

static const struct variant psk_variants[] = {
    {"binder altered", NULL, 0, TP_BAD_BINDER},
    {"binder one byte short", psk_binder_short, 0, T_NONE},
    {"no binders", psk_no_binders, 0, T_NONE},
    {"two binders for one identity", psk_two_binders, 0, T_NONE},
    {"an unknown identity, then the ticket", psk_unknown_first, 0, T_NONE},
    {"the ticket twice", psk_ticket_twice, 0, T_NONE},
    {"ticket altered", psk_ticket_altered, 0, T_NONE},
    {"ticket age far off", psk_age_off, 0, T_NONE},
    {"psk_ke only", psk_ke_only, 0, T_NONE},
    {"psk_ke and psk_dhe_ke", psk_both_modes, 0, T_NONE},
    {"pre_shared_key not last", psk_not_last, 0, T_NONE},
    {"early_data", early_data, 0, T_NONE},
    {"no key_share", psk_no_key_share, 0, T_NONE},
    {"only a suite of another hash", suites_1301_only, 0, T_NONE},
    {"another server name", sni_other, 0, T_NONE},
};

static const struct variant hrr_variants[] = {
    {"first ClientHello with a P-256 share too", ks_x25519_p256, 0, T_NONE},
    {"second ClientHello: the X25519 share again", hrr_x25519_again, 1, T_NONE},
    {"second ClientHello: P-256 and X25519 shares", ks_p256_x25519, 1, T_NONE},
    {"second ClientHello: no share", ks_none, 1, T_NONE},
    {"second ClientHello: suites reordered", suites_reordered, 1, T_NONE},
    {"second ClientHello: without the retry's suite", suites_1302_only, 1, T_NONE},
    {"second ClientHello: session id changed", sid_changed, 1, T_NONE},
    {"second ClientHello: random changed", random_changed, 1, T_NONE},
    {"second ClientHello: legacy_version 0x0301", legacy_0301, 1, T_NONE},
    {"second ClientHello: supported_versions TLS 1.2 only", sv_12, 1, T_NONE},
    {"second ClientHello: early_data", early_data, 1, T_NONE},
    {"second ClientHello: a cookie", cookie_unsolicited, 1, T_NONE},
    {"second ClientHello: no ALPN", no_alpn, 1, T_NONE},
    {"second ClientHello: groups without P-256", groups_no_p256, 1, T_NONE},
    {"second ClientHello: another server name", sni_other, 1, T_NONE},
    {"second ClientHello: an unknown pre_shared_key", psk_unknown, 1, T_NONE},
    {"second ClientHello without a ChangeCipherSpec", NULL, 1, T13_NO_CCS},
    {"second ClientHello after two ChangeCipherSpec", NULL, 1, T13_CCS_TWICE},
};

static const struct variant client_flight_variants[] = {
    {"empty Certificate", NULL, 0, T13_EMPTY_CERT},
    {"no Certificate", NULL, 0, T13_NO_CERT},
    {"no CertificateVerify", NULL, 0, T13_NO_CV},
    {"CertificateVerify before Certificate", NULL, 0, T13_CV_BEFORE_CERT},
    {"CertificateVerify as ecdsa_secp384r1_sha384", NULL, 0, T13_CV_P384_SCHEME},
    {"CertificateVerify as rsa_pss_rsae_sha256", NULL, 0, T13_CV_PSS_SCHEME},
    {"CertificateVerify over the server's context", NULL, 0, T13_CV_WRONG_CONTEXT},
    {"Certificate with a request context", NULL, 0, T13_CERT_CONTEXT},
    {"an untrusted certificate", NULL, 0, T13_CERT_UNTRUSTED},
    {"Certificate entry with an extension", NULL, 0, T13_CERT_EXTENSION},
    {"Certificate with two entries", NULL, 0, T13_CERT_TWO},
};

static const struct variant post_variants[] = {
    {"KeyUpdate update_requested", NULL, 0, T13P_KU_REQUESTED},
    {"KeyUpdate value 2", NULL, 0, T13P_KU_BAD},
    {"KeyUpdate followed by another in its record", NULL, 0, T13P_KU_THEN_MESSAGE},
    {"two KeyUpdates", NULL, 0, T13P_KU_TWICE},
    {"Certificate with the wrong request context", NULL, 0, T13P_PHA_WRONG_CONTEXT},
    {"empty Certificate after the request", NULL, 0, T13P_PHA_EMPTY_CERT},
    {"Certificate without a request", NULL, 0, T13P_PHA_UNSOLICITED},
    {"post_handshake_auth not offered", no_pha, 0, T13P_PHA_NO_EXTENSION},
    {"Finished after the handshake", NULL, 0, T13P_FINISHED},
    {"ClientHello after the handshake", NULL, 0, T13P_CLIENT_HELLO},
    {"NewSessionTicket from the client", NULL, 0, T13P_TICKET},
    {"ChangeCipherSpec after the handshake", NULL, 0, T13P_CCS},
    {"five warning alerts", NULL, 0, T13P_WARNINGS},
};

static const struct variant tls12_ch_variants[] = {
    {"legacy_version 0x0302", legacy_0302, 0, T_NONE},
    {"legacy_version 0x0301", legacy_0301, 0, T_NONE},
    {"legacy_version 0x0300", legacy_0300, 0, T_NONE},
    {"legacy_version 0x0304", legacy_0304, 0, T_NONE},
    {"legacy_version 0x0400", legacy_0400, 0, T_NONE},
    {"legacy_version 0x0200", legacy_0200, 0, T_NONE},
    {"record version 0x0300", record_0300, 0, T_NONE},
    {"record version 0x0303", record_0303, 0, T_NONE},
    {"supported_versions TLS 1.2 only", sv_12, 0, T_NONE},
    {"supported_versions TLS 1.3 and 1.2, no key_share", sv_13_12, 0, T_NONE},
    {"TLS_FALLBACK_SCSV", suites_fallback, 0, T_NONE},
    {"no renegotiation SCSV", suites_no_scsv, 0, T_NONE},
    {"renegotiation_info instead of the SCSV", reneg_ext_no_scsv, 0, T_NONE},
    {"renegotiation_info and the SCSV", reneg_empty, 0, T_NONE},
    {"renegotiation_info not empty", reneg_nonempty, 0, T_NONE},
    {"point formats without uncompressed", point_formats_compressed, 0, T_NONE},
    {"supported_groups P-256 only", groups_p256, 0, T_NONE},
    {"supported_groups with no common group", groups_none_common, 0, T_NONE},
    {"signature_algorithms RSA only", sa_rsa, 0, T_NONE},
    {"signature_algorithms SHA-1 only", sa_sha1, 0, T_NONE},
    {"empty cipher suite list", suites_empty, 0, T_NONE},
    {"TLS 1.3 suites only", suites_tls13, 0, T_NONE},
    {"odd-length cipher suite list", suites_odd, 0, T_NONE},
    {"compression without null", comp_no_null, 0, T_NONE},
    {"empty compression list", comp_empty, 0, T_NONE},
    {"no extensions block", no_exts, 0, T_NONE},
    {"an unknown session id", sid_32, 0, T_NONE},
    {"session id of 33 bytes", sid_33, 0, T_NONE},
    {"a ticket the server cannot read", ticket_unknown, 0, T_NONE},
    {"max_fragment_length 512", mfl_512, 0, T_NONE},
    {"heartbeat", heartbeat, 0, T_NONE},
    {"SSL 2.0 format", fr_sslv2, 0, T_NONE},
    {"SSL 2.0 format, version 0x0301", fr_sslv2_tls10, 0, T_NONE},
    {"in two records", fr_split, 0, T_NONE},
    {"one record per byte", fr_bytes, 0, T_NONE},
    {"after a ChangeCipherSpec", fr_ccs_first, 0, T_NONE},
    {"after a warning alert", fr_alert_first, 0, T_NONE},
    {"after an empty handshake record", fr_empty_first, 0, T_NONE},
    {"twice in one record", fr_twice, 0, T_NONE},
};

static const struct variant tls12_reneg_variants[] = {
    {"renegotiation_info left out", reneg_ri_out, 2, T_NONE},
    {"renegotiation_info empty", reneg_empty, 2, T_NONE},
    {"renegotiation_info with a verify_data altered", reneg_ri_altered, 2, T_NONE},
    {"renegotiation_info of 24 bytes", reneg_ri_24, 2, T_NONE},
    {"renegotiation_info of 11 bytes", reneg_ri_short, 2, T_NONE},
    {"the renegotiation SCSV as well", reneg_scsv, 2, T_NONE},
    {"the renegotiation SCSV instead", reneg_scsv_no_ri, 2, T_NONE},
    {"no extensions block", no_exts, 2, T_NONE},
    {"extended_master_secret left out", reneg_no_ems, 2, T_NONE},
    {"legacy_version 0x0302", legacy_0302, 2, T_NONE},
    {"supported_versions TLS 1.3 and 1.2", sv_13_12, 2, T_NONE},
    {"TLS_FALLBACK_SCSV", suites_fallback, 2, T_NONE},
    {"compression without null", comp_no_null, 2, T_NONE},
    {"an unknown session id", sid_32, 2, T_NONE},
    {"supported_groups with no common group", groups_none_common, 2, T_NONE},
    {"signature_algorithms SHA-1 only", sa_sha1, 2, T_NONE},
};

/* MAC-then-encrypt CBC (no encrypt_then_mac): a record whose padding
 * disagrees with its length and one whose MAC is wrong get the same answer,
 * bad_record_mac (RFC 5246 6.2.3.2, no padding oracle). */
static const struct variant tls12_cbc_variants[] = {
    {"Finished with a bad padding", NULL, 0, T12_CBC_FIN_BAD_PADDING},
    {"Finished with a bad MAC", NULL, 0, T12_CBC_FIN_BAD_MAC},
    {"application data with a bad padding", NULL, 0, T12_CBC_DATA_BAD_PADDING},
    {"application data with a bad MAC", NULL, 0, T12_CBC_DATA_BAD_MAC},
    {"ECDHE-ECDSA-AES128-SHA256", suites_c023, 0, T_NONE},
    {"ECDHE-ECDSA-AES128-SHA256, application data with a bad padding", suites_c023, 0,
     T12_CBC_DATA_BAD_PADDING},
    {"ECDHE-ECDSA-AES128-SHA256, application data with a bad MAC", suites_c023, 0,
     T12_CBC_DATA_BAD_MAC},
    {"ECDHE-ECDSA-AES256-SHA384, application data with a bad padding", suites_c024, 0,
     T12_CBC_DATA_BAD_PADDING},
    {"ECDHE-ECDSA-AES256-SHA384, application data with a bad MAC", suites_c024, 0,
     T12_CBC_DATA_BAD_MAC},
    {"encrypt_then_mac", etm_offered, 0, T_NONE},
    {"encrypt_then_mac, application data with a bad padding", etm_offered, 0,
     T12_CBC_DATA_BAD_PADDING},
    {"encrypt_then_mac, application data with a bad MAC", etm_offered, 0, T12_CBC_DATA_BAD_MAC},
};

static const struct variant tls12_ecdhe_variants[] = {
    {"no ChangeCipherSpec", NULL, 0, T12_NO_CCS},
    {"two ChangeCipherSpec", NULL, 0, T12_CCS_TWICE},
    {"ChangeCipherSpec value 2", NULL, 0, T12_CCS_BAD},
    {"ChangeCipherSpec of two bytes", NULL, 0, T12_CCS_LONG},
    {"empty ChangeCipherSpec", NULL, 0, T12_CCS_EMPTY},
    {"ChangeCipherSpec before ClientKeyExchange", NULL, 0, T12_CCS_EARLY},
    {"Finished in the clear, no ChangeCipherSpec", NULL, 0, T12_FINISHED_PLAIN},
    {"application data before Finished", NULL, 0, T12_DATA_BEFORE_FINISHED},
    {"ClientKeyExchange twice", NULL, 0, T12_CKE_TWICE},
    {"five warning alerts", NULL, 0, T12_WARNINGS},
    {"forty empty records", NULL, 0, T12_EMPTY_RECORDS},
    {"renegotiation", NULL, 0, T12_RENEGOTIATE},
    {"a Certificate nobody asked for", NULL, 0, T12_UNSOLICITED_CERT},
    {"empty point", NULL, 0, T12_EC_EMPTY},
    {"X25519 point all zero", NULL, 0, T12_EC_X25519_ZERO},
    {"X25519 point of 31 bytes", NULL, 0, T12_EC_X25519_SHORT},
    {"P-256", groups_p256, 0, T_NONE},
    {"P-256 point off the curve", groups_p256, 0, T12_EC_P256_OFF_CURVE},
    {"P-256 point compressed", groups_p256, 0, T12_EC_P256_COMPRESSED},
    {"P-256 point at infinity", groups_p256, 0, T12_EC_P256_INFINITY},
};

static const struct variant tls12_rsa_variants[] = {
    {"premaster version 0x0302", NULL, 0, T12_PMS_VERSION},
    {"well-formed premaster, not the one used", NULL, 0, T12_PMS_OTHER},
    {"premaster of 47 bytes", NULL, 0, T12_PMS_SHORT},
    {"premaster of 49 bytes", NULL, 0, T12_PMS_LONG},
    {"ciphertext all zero", NULL, 0, T12_RSA_ZEROS},
    {"ciphertext over the modulus", NULL, 0, T12_RSA_OVER_MODULUS},
    {"padding block type 1", NULL, 0, T12_RSA_BLOCK_TYPE_1},
    {"padding without a separator", NULL, 0, T12_RSA_NO_SEPARATOR},
    {"padding string of 5 bytes", NULL, 0, T12_RSA_SHORT_PADDING},
    {"ciphertext of 255 bytes", NULL, 0, T12_RSA_SHORT},
    {"ciphertext without its length", NULL, 0, T12_RSA_NO_LENGTH},
    /* (RSA key exchange signs nothing: a ClientHello without
     * signature_algorithms, as an SSL 2.0 one is, can still succeed) */
    {"SSL 2.0 format ClientHello", fr_sslv2, 0, T_NONE},
    {"SSL 2.0 format ClientHello in two records", fr_sslv2, 0, T12_SSLV2_SPLIT},
};

static const struct variant tls12_dhe_variants[] = {
    {"Yc 0", NULL, 0, T12_DH_ZERO},
    {"Yc 1", NULL, 0, T12_DH_ONE},
    {"Yc p - 1", NULL, 0, T12_DH_P_MINUS_1},
    {"Yc p", NULL, 0, T12_DH_P},
    {"Yc empty", NULL, 0, T12_DH_EMPTY},
    {"Yc with a leading zero byte", NULL, 0, T12_DH_LEADING_ZERO},
};

static const struct variant tls12_auth_variants[] = {
    {"empty Certificate", NULL, 0, T12_EMPTY_CERT},
    {"no Certificate", NULL, 0, T12_NO_CERT},
    {"no CertificateVerify", NULL, 0, T12_NO_CV},
    {"CertificateVerify as ecdsa_secp384r1_sha384", NULL, 0, T12_CV_P384_SCHEME},
    {"CertificateVerify as ecdsa_sha1", NULL, 0, T12_CV_SHA1_SCHEME},
    {"an untrusted certificate", NULL, 0, T12_CERT_UNTRUSTED},
    {"Certificate with a byte after the list", NULL, 0, T12_CERT_TRAILING},
    {"Certificate list claiming a byte more", NULL, 0, T12_CERT_LIST_LONGER},
    {"Certificate list claiming a byte less", NULL, 0, T12_CERT_LIST_SHORTER},
    {"Certificate entry claiming a byte more", NULL, 0, T12_CERT_ENTRY_LONGER},
    {"Certificate entry claiming a byte less", NULL, 0, T12_CERT_ENTRY_SHORTER},
    {"Certificate entry of no bytes", NULL, 0, T12_CERT_ENTRY_EMPTY},
    {"Certificate entry with a byte after the DER", NULL, 0, T12_CERT_DER_TRAILING},
    {"Certificate entry that is no certificate", NULL, 0, T12_CERT_GARBAGE},
    {"Certificate, then an entry that is no certificate", NULL, 0, T12_CERT_GARBAGE_SECOND},
    {"CertificateVerify over another transcript", NULL, 0, T12_CV_OTHER_DATA},
    {"CertificateVerify with an empty signature", NULL, 0, T12_CV_SIG_EMPTY},
    {"CertificateVerify as ed25519", NULL, 0, T12_CV_AS_ED25519},
};

/* The client's CertificateVerify with an RSA key (rsa_pss_rsae_sha256). */
static const struct variant tls12_cv_rsa_variants[] = {
    {"PSS signature as rsa_pkcs1_sha256", NULL, 0, T12_CV_AS_PKCS1},
    {"PKCS #1 signature as rsa_pkcs1_sha256", NULL, 0, T12_CV_PKCS1},
    {"PKCS #1 signature as rsa_pkcs1_sha1", NULL, 0, T12_CV_PKCS1_SHA1},
    {"rsae signature as rsa_pss_pss_sha256", NULL, 0, T12_CV_AS_PSS_PSS},
    {"rsa_pss_rsae_sha384", NULL, 0, T12_CV_PSS_SHA384},
    {"as ed25519", NULL, 0, T12_CV_AS_ED25519},
    {"as ecdsa_secp256r1_sha256", NULL, 0, T12_CV_AS_ECDSA},
    {"over another transcript", NULL, 0, T12_CV_OTHER_DATA},
    {"an empty signature", NULL, 0, T12_CV_SIG_EMPTY},
};

/* ... with an Ed25519 key (ed25519). */
static const struct variant tls12_cv_ed25519_variants[] = {
    {"as ed448", NULL, 0, T12_CV_AS_ED448},
    {"as ecdsa_secp256r1_sha256", NULL, 0, T12_CV_AS_ECDSA},
    {"over another transcript", NULL, 0, T12_CV_OTHER_DATA},
    {"an empty signature", NULL, 0, T12_CV_SIG_EMPTY},
};

#define VARIANTS(a) a, sizeof(a) / sizeof(a[0])

static const struct mode modes[] = {
    {"ch",
     1,
     0,
     1,
     SRV_EC,
     {0x1302, 0x1303, 0x1301, 0xc02b, 0xc02f, 0x009e, 0x009c, 0x00ff},
     0,
     0,
     0,
     VARIANTS(ch_variants)},
    {"psk",
     1,
     0,
     0,
     SRV_EC | SRV_STATEFUL,
     {0x1302, 0x1301, 0x00ff},
     1,
     0,
     0,
     VARIANTS(psk_variants)},
    {"hrr",
     1,
     1,
     1,
     SRV_EC | SRV_P256,
     {0x1301, 0x1302, 0xc02b, 0x00ff},
     0,
     0,
     1,
     VARIANTS(hrr_variants)},
    {"tls13-client-flight",
     1,
     1,
     3,
     SRV_EC | SRV_AUTH,
     {0x1303, 0x1301, 0xc02b, 0x00ff},
     0,
     0,
     -1,
     VARIANTS(client_flight_variants)},
    {"tls13-post",
     1,
     2,
     5,
     SRV_EC | SRV_PHA,
     {0x1301, 0x1302, 0xc02b, 0x00ff},
     0,
     1,
     -1,
     VARIANTS(post_variants)},
    {"tls12-ch",
     0,
     0,
     0,
     SRV_EC,
     {0xc02b, 0xc02f, 0x009e, 0x009c, 0x00ff},
     0,
     0,
     0,
     VARIANTS(tls12_ch_variants)},
    {"tls12-ecdhe", 0, 1, 2, SRV_EC, {0xc02b, 0x00ff}, 0, 0, -1, VARIANTS(tls12_ecdhe_variants)},
    {"tls12-rsa", 0, 1, 1, SRV_RSA, {0x009c, 0x00ff}, 0, 0, -1, VARIANTS(tls12_rsa_variants)},
    {"tls12-dhe",
     0,
     1,
     1,
     SRV_RSA | SRV_DHE,
     {0x009e, 0x00ff},
     0,
     0,
     -1,
     VARIANTS(tls12_dhe_variants)},
    {"tls12-client-auth",
     0,
     1,
     4,
     SRV_EC | SRV_AUTH,
     {0xcca9, 0x00ff},
     0,
     0,
     -1,
     VARIANTS(tls12_auth_variants)},
    {"tls12-cv-rsa",
     0,
     3,
     3,
     SRV_EC | SRV_AUTH,
     {0xcca9, 0x00ff},
     0,
     0,
     -1,
     VARIANTS(tls12_cv_rsa_variants),
     CK_RSA},
    {"tls12-cv-ed25519",
     0,
     3,
     3,
     SRV_EC | SRV_AUTH,
     {0xcca9, 0x00ff},
     0,
     0,
     -1,
     VARIANTS(tls12_cv_ed25519_variants),
     CK_ED25519},
    {"tls12-reneg",
     0,
     3,
     3,
     SRV_EC | SRV_RENEG,
     {0xc02b, 0x00ff},
     0,
     0,
     2,
     VARIANTS(tls12_reneg_variants),
     CK_P256,
     1},
    {"tls12-cbc",
     0,
     2,
     2,
     SRV_EC,
     {0xc009, 0x00ff},
     0,
     0,
     -1,
     VARIANTS(tls12_cbc_variants),
     CK_P256,
     0,
     1},
};

/* ------------------------------------------------------------- the server */

static int select_alpn(SSL *s, const unsigned char **out, unsigned char *out_len,
                       const unsigned char *in, unsigned int in_len, void *arg)
{
    static const unsigned char ours[] = "\x02h2\x08http/1.1";
    (void)s, (void)arg;
    if (SSL_select_next_proto((unsigned char **)out, out_len, ours, sizeof(ours) - 1, in, in_len) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    return SSL_TLSEXT_ERR_OK;
}

static int accept_name(SSL *s, int *alert, void *arg)
{
    (void)s, (void)alert, (void)arg;
    return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *server_ctx(const struct mode *m)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    /* Each case starts from the same state: no session kept between them;
     * but for psk, whose tickets name a session kept in the server's cache
     * (stock's stateful TLS 1.3 tickets, SSL_OP_NO_TICKET).  A stateless
     * ticket is the library's own encoding, of the library's own size: a
     * ClientHello carrying one would not be the same message for stock and
     * for ours, and "byte K of N" would not mean the same byte.  A stateful
     * ticket is the session id (32 bytes), the same for both. */
    if (m->server & SRV_STATEFUL) {
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    }
    if (m->server & SRV_EC) {
        SSL_CTX_use_certificate(ctx, server_ec_cert);
        SSL_CTX_use_PrivateKey(ctx, server_ec_key);
    }
    if (m->server & SRV_RSA) {
        SSL_CTX_use_certificate(ctx, server_rsa_cert);
        SSL_CTX_use_PrivateKey(ctx, server_rsa_key);
    }
    if (m->server & SRV_DHE)
        SSL_CTX_set_dh_auto(ctx, 1);
    if (m->server & SRV_RENEG)
        SSL_CTX_set_options(ctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
    if (m->server & (SRV_AUTH | SRV_PHA)) {
        X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), client_cert);
        SSL_CTX_add_client_CA(ctx, client_cert);
        SSL_CTX_set_verify(ctx,
                           SSL_VERIFY_PEER | (m->server & SRV_AUTH ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                                                                   : SSL_VERIFY_POST_HANDSHAKE),
                           NULL);
    }
    if (m->server & SRV_P256)
        SSL_CTX_set1_groups_list(ctx, "P-256");
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
    SSL_CTX_set_tlsext_servername_callback(ctx, accept_name);
    return ctx;
}

/* ------------------------------------------------------------------ main */

struct sweep {
    SSL_CTX *ctx;
    const struct mode *mode;
};

static int sweep_run(void *arg, int target, const struct damage *d, const char *label)
{
    const struct sweep *sw = arg;
    return play(sw->ctx, new_client(sw->mode, label, target, d));
}

/* Every extension of the ClientHello cut to each shorter length, one byte
 * longer, twice and left out. */
static void extension_cases(SSL_CTX *ctx, const struct mode *m)
{
    static struct hello h;
    char label[128];

    static const unsigned char no_verify[12];

    hello_default(m, &h);
    if (m->hello_cases == 1)
        set_key_share(&h, LIST(0x0017)); /* the share the retry asks for */
    if (m->hello_cases == 2)
        reneg_hello(m, &h, no_verify);
    for (size_t i = 0; i < h.num_ext; i++) {
        struct ext_edit ee = {EE_CUT, h.ext[i].type, 0, m->hello_cases};
        struct client *c;
        for (size_t len = 0; len < h.ext[i].len; len++) {
            snprintf(label, sizeof(label), "extension %u cut to %zu of %zu", ee.type, len,
                     h.ext[i].len);
            ee.len = len;
            c = new_client(m, label, -1, NULL);
            c->ee = ee;
            play(ctx, c);
        }
        static const struct {
            enum ext_edit_kind kind;
            const char *what;
        } others[] = {{EE_LONGER, "one byte longer"}, {EE_TWICE, "twice"}, {EE_OUT, "left out"}};
        for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
            snprintf(label, sizeof(label), "extension %u %s", ee.type, others[k].what);
            ee.kind = others[k].kind;
            c = new_client(m, label, -1, NULL);
            c->ee = ee;
            play(ctx, c);
        }
    }
}

static EVP_PKEY *x25519_from(const unsigned char *priv)
{
    return EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "";
    int flip = argc > 2 && strcmp(argv[2], "flip") == 0;
    const struct mode *m = NULL;
    struct sweep sw;
    SSL_CTX *ctx;
    size_t len;
    int count;

    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (strcmp(modes[i].name, name) == 0)
            m = &modes[i];
    if (m == NULL) {
        fprintf(stderr, "usage: diff_accept_parse MODE [flip]; modes:");
        for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
            fprintf(stderr, " %s", modes[i].name);
        fprintf(stderr, "\n");
        return 2;
    }
    diff_report_lib();
    server_ec_key = wire_key_from_pem(wire_p256_key_pem);
    server_rsa_key = wire_key_from_pem(server_rsa_pem);
    /* (an RSA client uses the server's RSA key: only its kind matters) */
    client_key = m->ckey == CK_RSA ? wire_key_from_pem(server_rsa_pem)
                 : m->ckey == CK_ED25519
                     ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, ed25519_client_priv, 32)
                     : wire_key_from_pem(client_key_pem);
    other_client_key = wire_key_from_pem(p256_share_pem);
    /* Dates far from today, so that no altered digit lands near it. */
    server_ec_cert =
        wire_self_signed(server_ec_key, "accept.test", "20000101000000Z", "20991231235959Z");
    server_rsa_cert =
        wire_self_signed(server_rsa_key, "accept.test", "20000101000000Z", "20991231235959Z");
    client_cert = wire_self_signed(client_key, "client.test", "20000101000000Z", "20991231235959Z");
    other_client_cert =
        wire_self_signed(other_client_key, "client.test", "20000101000000Z", "20991231235959Z");
    x25519_share = x25519_from(x25519_share_priv);
    len = sizeof(x25519_pub);
    EVP_PKEY_get_raw_public_key(x25519_share, x25519_pub, &len);
    p256_share = wire_key_from_pem(p256_share_pem);
    EVP_PKEY_get_octet_string_param(p256_share, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, p256_pub,
                                    sizeof(p256_pub), &len);

    /* The client's signature covers the server's random: a flipped byte of
     * an RSA signature opens to a different wrong block on every run, and
     * libcrypto's RSA reason (first or last octet invalid, ...) with it.
     * The SSL reason and the alert stay compared. */
    if (m->ckey == CK_RSA)
        diff_reasonless_lib = ERR_LIB_RSA;
    ctx = server_ctx(m);
    count = play(ctx, new_client(m, "intact", -1, NULL));
    sw.ctx = ctx;
    sw.mode = m;
    wire_sweep(&sw, sweep_run, count, m->first, m->last, flip);
    if (!flip) {
        if (m->hello_cases >= 0)
            extension_cases(ctx, m);
        for (size_t i = 0; i < m->num_variants; i++) {
            struct client *c = new_client(m, m->variants[i].label, -1, NULL);
            c->v = &m->variants[i];
            play(ctx, c);
        }
    }
    SSL_CTX_free(ctx);
    X509_free(server_ec_cert), X509_free(server_rsa_cert);
    X509_free(client_cert), X509_free(other_client_cert);
    EVP_PKEY_free(server_ec_key), EVP_PKEY_free(server_rsa_key);
    EVP_PKEY_free(client_key), EVP_PKEY_free(other_client_key);
    EVP_PKEY_free(x25519_share), EVP_PKEY_free(p256_share);
    return 0;
}
