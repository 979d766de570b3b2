/*
 * shimssl unit tests: shim/api/strings.c (state and record-state names).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The expected texts are stock OpenSSL 3.0's (ssl/ssl_stat.c and
 * ssl/record/rec_layer_s3.c), listed in stock's order, not ours.
 */
#include "shim.h"

#include "api/strings.h"
#include "unit.h"

struct expected_state {
    OSSL_HANDSHAKE_STATE st;
    const char *abbrev;
    const char *text;
};

static const struct expected_state stock_states[] = {
    {TLS_ST_CR_CERT_STATUS, "TRCS", "SSLv3/TLS read certificate status"},
    {TLS_ST_CW_NEXT_PROTO, "TWNP", "SSLv3/TLS write next proto"},
    {TLS_ST_SR_NEXT_PROTO, "TRNP", "SSLv3/TLS read next proto"},
    {TLS_ST_SW_CERT_STATUS, "TWCS", "SSLv3/TLS write certificate status"},
    {TLS_ST_BEFORE, "PINIT", "before SSL initialization"},
    {TLS_ST_OK, "SSLOK", "SSL negotiation finished successfully"},
    {TLS_ST_CW_CLNT_HELLO, "TWCH", "SSLv3/TLS write client hello"},
    {TLS_ST_CR_SRVR_HELLO, "TRSH", "SSLv3/TLS read server hello"},
    {TLS_ST_CR_CERT, "TRSC", "SSLv3/TLS read server certificate"},
    {TLS_ST_CR_KEY_EXCH, "TRSKE", "SSLv3/TLS read server key exchange"},
    {TLS_ST_CR_CERT_REQ, "TRCR", "SSLv3/TLS read server certificate request"},
    {TLS_ST_CR_SESSION_TICKET, "TRST", "SSLv3/TLS read server session ticket"},
    {TLS_ST_CR_SRVR_DONE, "TRSD", "SSLv3/TLS read server done"},
    {TLS_ST_CW_CERT, "TWCC", "SSLv3/TLS write client certificate"},
    {TLS_ST_CW_KEY_EXCH, "TWCKE", "SSLv3/TLS write client key exchange"},
    {TLS_ST_CW_CERT_VRFY, "TWCV", "SSLv3/TLS write certificate verify"},
    {TLS_ST_CW_CHANGE, "TWCCS", "SSLv3/TLS write change cipher spec"},
    {TLS_ST_SW_CHANGE, "TWCCS", "SSLv3/TLS write change cipher spec"},
    {TLS_ST_CW_FINISHED, "TWFIN", "SSLv3/TLS write finished"},
    {TLS_ST_SW_FINISHED, "TWFIN", "SSLv3/TLS write finished"},
    {TLS_ST_CR_CHANGE, "TRCCS", "SSLv3/TLS read change cipher spec"},
    {TLS_ST_SR_CHANGE, "TRCCS", "SSLv3/TLS read change cipher spec"},
    {TLS_ST_CR_FINISHED, "TRFIN", "SSLv3/TLS read finished"},
    {TLS_ST_SR_FINISHED, "TRFIN", "SSLv3/TLS read finished"},
    {TLS_ST_SR_CLNT_HELLO, "TRCH", "SSLv3/TLS read client hello"},
    {TLS_ST_SW_HELLO_REQ, "TWHR", "SSLv3/TLS write hello request"},
    {TLS_ST_SW_SRVR_HELLO, "TWSH", "SSLv3/TLS write server hello"},
    {TLS_ST_SW_CERT, "TWSC", "SSLv3/TLS write certificate"},
    {TLS_ST_SW_KEY_EXCH, "TWSKE", "SSLv3/TLS write key exchange"},
    {TLS_ST_SW_CERT_REQ, "TWCR", "SSLv3/TLS write certificate request"},
    {TLS_ST_SW_SESSION_TICKET, "TWST", "SSLv3/TLS write session ticket"},
    {TLS_ST_SW_SRVR_DONE, "TWSD", "SSLv3/TLS write server done"},
    {TLS_ST_SR_CERT, "TRCC", "SSLv3/TLS read client certificate"},
    {TLS_ST_SR_KEY_EXCH, "TRCKE", "SSLv3/TLS read client key exchange"},
    {TLS_ST_SR_CERT_VRFY, "TRCV", "SSLv3/TLS read certificate verify"},
    {DTLS_ST_CR_HELLO_VERIFY_REQUEST, "DRCHV", "DTLS1 read hello verify request"},
    {DTLS_ST_SW_HELLO_VERIFY_REQUEST, "DWCHV", "DTLS1 write hello verify request"},
    {TLS_ST_SW_ENCRYPTED_EXTENSIONS, "TWEE", "TLSv1.3 write encrypted extensions"},
    {TLS_ST_CR_ENCRYPTED_EXTENSIONS, "TREE", "TLSv1.3 read encrypted extensions"},
    {TLS_ST_CR_CERT_VRFY, "TRSCV", "TLSv1.3 read server certificate verify"},
    {TLS_ST_SW_CERT_VRFY, "TWSCV", "TLSv1.3 write server certificate verify"},
    {TLS_ST_CR_HELLO_REQ, "TRHR", "SSLv3/TLS read hello request"},
    {TLS_ST_SW_KEY_UPDATE, "TWSKU", "TLSv1.3 write server key update"},
    {TLS_ST_CW_KEY_UPDATE, "TWCKU", "TLSv1.3 write client key update"},
    {TLS_ST_SR_KEY_UPDATE, "TRCKU", "TLSv1.3 read client key update"},
    {TLS_ST_CR_KEY_UPDATE, "TRSKU", "TLSv1.3 read server key update"},
    {TLS_ST_EARLY_DATA, "TED", "TLSv1.3 early data"},
    {TLS_ST_PENDING_EARLY_DATA_END, "TPEDE", "TLSv1.3 pending early data end"},
    {TLS_ST_CW_END_OF_EARLY_DATA, "TWEOED", "TLSv1.3 write end of early data"},
    {TLS_ST_SR_END_OF_EARLY_DATA, "TWEOED", "TLSv1.3 read end of early data"},
};

#define NSTATES (sizeof(stock_states) / sizeof(stock_states[0]))

START_TEST(every_state_has_stock_names)
{
    const struct expected_state *e = &stock_states[_i];

    ck_assert_str_eq(shim_state_name(e->st, 0), e->abbrev);
    ck_assert_str_eq(shim_state_name_long(e->st, 0), e->text);
}
END_TEST

START_TEST(all_fifty_states_listed_once)
{
    int seen[64] = {0};

    ck_assert_uint_eq(NSTATES, 50);
    for (size_t i = 0; i < NSTATES; i++) {
        ck_assert_int_lt(stock_states[i].st, 50);
        ck_assert_int_eq(seen[stock_states[i].st]++, 0);
    }
}
END_TEST

START_TEST(unknown_states)
{
    ck_assert_str_eq(shim_state_name((OSSL_HANDSHAKE_STATE)50, 0), "UNKWN");
    ck_assert_str_eq(shim_state_name_long((OSSL_HANDSHAKE_STATE)50, 0), "unknown state");
    ck_assert_str_eq(shim_state_name((OSSL_HANDSHAKE_STATE)-1, 0), "UNKWN");
    ck_assert_str_eq(shim_state_name_long((OSSL_HANDSHAKE_STATE)1000, 0), "unknown state");
}
END_TEST

START_TEST(error_overrides_state)
{
    ck_assert_str_eq(shim_state_name(TLS_ST_OK, 1), "SSLERR");
    ck_assert_str_eq(shim_state_name_long(TLS_ST_CW_CLNT_HELLO, 1), "error");
    ck_assert_str_eq(shim_state_name((OSSL_HANDSHAKE_STATE)77, 1), "SSLERR");
}
END_TEST

START_TEST(read_states)
{
    ck_assert_str_eq(shim_rstate_name(SSL_ST_READ_HEADER), "RH");
    ck_assert_str_eq(shim_rstate_name(SSL_ST_READ_BODY), "RB");
    ck_assert_str_eq(shim_rstate_name(SSL_ST_READ_DONE), "RD");
    ck_assert_str_eq(shim_rstate_name(0), "unknown");
    ck_assert_str_eq(shim_rstate_name_long(SSL_ST_READ_HEADER), "read header");
    ck_assert_str_eq(shim_rstate_name_long(SSL_ST_READ_BODY), "read body");
    ck_assert_str_eq(shim_rstate_name_long(SSL_ST_READ_DONE), "read done");
    ck_assert_str_eq(shim_rstate_name_long(0xF3), "unknown");
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("strings");
    TCase *tc = tcase_create("strings");
    tcase_add_loop_test(tc, every_state_has_stock_names, 0, (int)NSTATES);
    tcase_add_test(tc, all_fifty_states_listed_once);
    tcase_add_test(tc, unknown_states);
    tcase_add_test(tc, error_overrides_state);
    tcase_add_test(tc, read_states);
    suite_add_tcase(s, tc);
    return s;
}
