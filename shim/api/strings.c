/*
 * shimssl - human-readable names of alerts, handshake states and record
 * read states, with exactly the texts stock libssl 3.0 prints (scripts and
 * logs compare them).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "api/strings.h"

/* ------------------------------------------------------------------ alerts */

struct alert_name {
    int desc;
    const char *abbrev; /* NULL: stock has no abbreviation ("UK") */
    const char *text;
};

/* RFC 5246 §7.2 / RFC 8446 §6 descriptions that stock names.  Stock knows
 * no_application_protocol (120) only by its long name, and does not name
 * inappropriate_fallback, missing_extension or certificate_required. */
static const struct alert_name alert_names[] = {
    {SSL3_AD_CLOSE_NOTIFY, "CN", "close notify"},
    {SSL3_AD_UNEXPECTED_MESSAGE, "UM", "unexpected_message"},
    {SSL3_AD_BAD_RECORD_MAC, "BM", "bad record mac"},
    {TLS1_AD_DECRYPTION_FAILED, "DC", "decryption failed"},
    {TLS1_AD_RECORD_OVERFLOW, "RO", "record overflow"},
    {SSL3_AD_DECOMPRESSION_FAILURE, "DF", "decompression failure"},
    {SSL3_AD_HANDSHAKE_FAILURE, "HF", "handshake failure"},
    {SSL3_AD_NO_CERTIFICATE, "NC", "no certificate"},
    {SSL3_AD_BAD_CERTIFICATE, "BC", "bad certificate"},
    {SSL3_AD_UNSUPPORTED_CERTIFICATE, "UC", "unsupported certificate"},
    {SSL3_AD_CERTIFICATE_REVOKED, "CR", "certificate revoked"},
    {SSL3_AD_CERTIFICATE_EXPIRED, "CE", "certificate expired"},
    {SSL3_AD_CERTIFICATE_UNKNOWN, "CU", "certificate unknown"},
    {SSL3_AD_ILLEGAL_PARAMETER, "IP", "illegal parameter"},
    {TLS1_AD_UNKNOWN_CA, "CA", "unknown CA"},
    {TLS1_AD_ACCESS_DENIED, "AD", "access denied"},
    {TLS1_AD_DECODE_ERROR, "DE", "decode error"},
    {TLS1_AD_DECRYPT_ERROR, "CY", "decrypt error"},
    {TLS1_AD_EXPORT_RESTRICTION, "ER", "export restriction"},
    {TLS1_AD_PROTOCOL_VERSION, "PV", "protocol version"},
    {TLS1_AD_INSUFFICIENT_SECURITY, "IS", "insufficient security"},
    {TLS1_AD_INTERNAL_ERROR, "IE", "internal error"},
    {TLS1_AD_USER_CANCELLED, "US", "user canceled"},
    {TLS1_AD_NO_RENEGOTIATION, "NR", "no renegotiation"},
    {TLS1_AD_UNSUPPORTED_EXTENSION, "UE", "unsupported extension"},
    {TLS1_AD_CERTIFICATE_UNOBTAINABLE, "CO", "certificate unobtainable"},
    {TLS1_AD_UNRECOGNIZED_NAME, "UN", "unrecognized name"},
    {TLS1_AD_BAD_CERTIFICATE_STATUS_RESPONSE, "BR", "bad certificate status response"},
    {TLS1_AD_BAD_CERTIFICATE_HASH_VALUE, "BH", "bad certificate hash value"},
    {TLS1_AD_UNKNOWN_PSK_IDENTITY, "UP", "unknown PSK identity"},
    {TLS1_AD_NO_APPLICATION_PROTOCOL, NULL, "no application protocol"},
};

/* The entry for the description in the low byte of value, or NULL. */
static const struct alert_name *find_alert(int value)
{
    int desc = value & 0xff;

    for (size_t i = 0; i < sizeof(alert_names) / sizeof(alert_names[0]); i++) {
        if (alert_names[i].desc == desc)
            return &alert_names[i];
    }
    return NULL;
}

/* The alert values the info callback reports are (level << 8) | description. */
const char *SSL_alert_type_string_long(int value)
{
    switch (value >> 8) {
    case SSL3_AL_WARNING:
        return "warning";
    case SSL3_AL_FATAL:
        return "fatal";
    default:
        return "unknown";
    }
}

const char *SSL_alert_type_string(int value)
{
    switch (value >> 8) {
    case SSL3_AL_WARNING:
        return "W";
    case SSL3_AL_FATAL:
        return "F";
    default:
        return "U";
    }
}

const char *SSL_alert_desc_string(int value)
{
    const struct alert_name *a = find_alert(value);

    return a != NULL && a->abbrev != NULL ? a->abbrev : "UK";
}

const char *SSL_alert_desc_string_long(int value)
{
    const struct alert_name *a = find_alert(value);

    return a != NULL ? a->text : "unknown";
}

/* -------------------------------------------------------- handshake states */

struct state_name {
    const char *abbrev;
    const char *text;
};

/* Indexed by OSSL_HANDSHAKE_STATE.  The abbreviation of
 * TLS_ST_SR_END_OF_EARLY_DATA is "TWEOED" in stock, not "TREOED". */
static const struct state_name state_names[] = {
    [TLS_ST_BEFORE] = {"PINIT", "before SSL initialization"},
    [TLS_ST_OK] = {"SSLOK", "SSL negotiation finished successfully"},
    [DTLS_ST_CR_HELLO_VERIFY_REQUEST] = {"DRCHV", "DTLS1 read hello verify request"},
    [TLS_ST_CR_SRVR_HELLO] = {"TRSH", "SSLv3/TLS read server hello"},
    [TLS_ST_CR_CERT] = {"TRSC", "SSLv3/TLS read server certificate"},
    [TLS_ST_CR_CERT_STATUS] = {"TRCS", "SSLv3/TLS read certificate status"},
    [TLS_ST_CR_KEY_EXCH] = {"TRSKE", "SSLv3/TLS read server key exchange"},
    [TLS_ST_CR_CERT_REQ] = {"TRCR", "SSLv3/TLS read server certificate request"},
    [TLS_ST_CR_SRVR_DONE] = {"TRSD", "SSLv3/TLS read server done"},
    [TLS_ST_CR_SESSION_TICKET] = {"TRST", "SSLv3/TLS read server session ticket"},
    [TLS_ST_CR_CHANGE] = {"TRCCS", "SSLv3/TLS read change cipher spec"},
    [TLS_ST_CR_FINISHED] = {"TRFIN", "SSLv3/TLS read finished"},
    [TLS_ST_CW_CLNT_HELLO] = {"TWCH", "SSLv3/TLS write client hello"},
    [TLS_ST_CW_CERT] = {"TWCC", "SSLv3/TLS write client certificate"},
    [TLS_ST_CW_KEY_EXCH] = {"TWCKE", "SSLv3/TLS write client key exchange"},
    [TLS_ST_CW_CERT_VRFY] = {"TWCV", "SSLv3/TLS write certificate verify"},
    [TLS_ST_CW_CHANGE] = {"TWCCS", "SSLv3/TLS write change cipher spec"},
    [TLS_ST_CW_NEXT_PROTO] = {"TWNP", "SSLv3/TLS write next proto"},
    [TLS_ST_CW_FINISHED] = {"TWFIN", "SSLv3/TLS write finished"},
    [TLS_ST_SW_HELLO_REQ] = {"TWHR", "SSLv3/TLS write hello request"},
    [TLS_ST_SR_CLNT_HELLO] = {"TRCH", "SSLv3/TLS read client hello"},
    [DTLS_ST_SW_HELLO_VERIFY_REQUEST] = {"DWCHV", "DTLS1 write hello verify request"},
    [TLS_ST_SW_SRVR_HELLO] = {"TWSH", "SSLv3/TLS write server hello"},
    [TLS_ST_SW_CERT] = {"TWSC", "SSLv3/TLS write certificate"},
    [TLS_ST_SW_KEY_EXCH] = {"TWSKE", "SSLv3/TLS write key exchange"},
    [TLS_ST_SW_CERT_REQ] = {"TWCR", "SSLv3/TLS write certificate request"},
    [TLS_ST_SW_SRVR_DONE] = {"TWSD", "SSLv3/TLS write server done"},
    [TLS_ST_SR_CERT] = {"TRCC", "SSLv3/TLS read client certificate"},
    [TLS_ST_SR_KEY_EXCH] = {"TRCKE", "SSLv3/TLS read client key exchange"},
    [TLS_ST_SR_CERT_VRFY] = {"TRCV", "SSLv3/TLS read certificate verify"},
    [TLS_ST_SR_NEXT_PROTO] = {"TRNP", "SSLv3/TLS read next proto"},
    [TLS_ST_SR_CHANGE] = {"TRCCS", "SSLv3/TLS read change cipher spec"},
    [TLS_ST_SR_FINISHED] = {"TRFIN", "SSLv3/TLS read finished"},
    [TLS_ST_SW_SESSION_TICKET] = {"TWST", "SSLv3/TLS write session ticket"},
    [TLS_ST_SW_CERT_STATUS] = {"TWCS", "SSLv3/TLS write certificate status"},
    [TLS_ST_SW_CHANGE] = {"TWCCS", "SSLv3/TLS write change cipher spec"},
    [TLS_ST_SW_FINISHED] = {"TWFIN", "SSLv3/TLS write finished"},
    [TLS_ST_SW_ENCRYPTED_EXTENSIONS] = {"TWEE", "TLSv1.3 write encrypted extensions"},
    [TLS_ST_CR_ENCRYPTED_EXTENSIONS] = {"TREE", "TLSv1.3 read encrypted extensions"},
    [TLS_ST_CR_CERT_VRFY] = {"TRSCV", "TLSv1.3 read server certificate verify"},
    [TLS_ST_SW_CERT_VRFY] = {"TWSCV", "TLSv1.3 write server certificate verify"},
    [TLS_ST_CR_HELLO_REQ] = {"TRHR", "SSLv3/TLS read hello request"},
    [TLS_ST_SW_KEY_UPDATE] = {"TWSKU", "TLSv1.3 write server key update"},
    [TLS_ST_CW_KEY_UPDATE] = {"TWCKU", "TLSv1.3 write client key update"},
    [TLS_ST_SR_KEY_UPDATE] = {"TRCKU", "TLSv1.3 read client key update"},
    [TLS_ST_CR_KEY_UPDATE] = {"TRSKU", "TLSv1.3 read server key update"},
    [TLS_ST_EARLY_DATA] = {"TED", "TLSv1.3 early data"},
    [TLS_ST_PENDING_EARLY_DATA_END] = {"TPEDE", "TLSv1.3 pending early data end"},
    [TLS_ST_CW_END_OF_EARLY_DATA] = {"TWEOED", "TLSv1.3 write end of early data"},
    [TLS_ST_SR_END_OF_EARLY_DATA] = {"TWEOED", "TLSv1.3 read end of early data"},
};

static const struct state_name *find_state(OSSL_HANDSHAKE_STATE st)
{
    size_t i = (size_t)st;

    if (i >= sizeof(state_names) / sizeof(state_names[0]) || state_names[i].abbrev == NULL)
        return NULL;
    return &state_names[i];
}

const char *shim_state_name(OSSL_HANDSHAKE_STATE st, int in_error)
{
    const struct state_name *n = find_state(st);

    if (in_error)
        return "SSLERR";
    return n != NULL ? n->abbrev : "UNKWN";
}

const char *shim_state_name_long(OSSL_HANDSHAKE_STATE st, int in_error)
{
    const struct state_name *n = find_state(st);

    if (in_error)
        return "error";
    return n != NULL ? n->text : "unknown state";
}

/* ------------------------------------------------------ record read states */

const char *shim_rstate_name(int rstate)
{
    switch (rstate) {
    case SSL_ST_READ_HEADER:
        return "RH";
    case SSL_ST_READ_BODY:
        return "RB";
    case SSL_ST_READ_DONE:
        return "RD";
    default:
        return "unknown";
    }
}

const char *shim_rstate_name_long(int rstate)
{
    switch (rstate) {
    case SSL_ST_READ_HEADER:
        return "read header";
    case SSL_ST_READ_BODY:
        return "read body";
    case SSL_ST_READ_DONE:
        return "read done";
    default:
        return "unknown";
    }
}
