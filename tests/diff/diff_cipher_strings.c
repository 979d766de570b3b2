/*
 * shimssl differential test: cipher strings from real configurations, and
 * random strings from the grammar of the cipher-string language.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * For each string: SSL_CTX_set_cipher_list's result, the error queue and
 * the resulting list (names in order), then SSL_CTX_set_ciphersuites on the
 * same text.  The random strings come from a fixed-seed generator, so both
 * runs of run_diff.sh see the same ones; other seeds can be tried by hand.
 *
 * usage: diff_cipher_strings corpus | random SEED COUNT
 */
#include "diff_common.h"

#include <stdlib.h>
#include <string.h>

/* Strings as real programs and guides ship them. */
static const char *const corpus[] = {
    /* nginx, Apache and their documentation */
    "HIGH:!aNULL:!MD5",
    "ALL:!aNULL:!EXPORT56:RC4+RSA:+HIGH:+MEDIUM:+LOW:+SSLv3:+EXP",
    "ALL:!ADH:!EXPORT56:RC4+RSA:+HIGH:+MEDIUM:+LOW:+SSLv2:+EXP:+eNULL",
    "HIGH:!aNULL:!MD5:!3DES",
    "RC4-SHA:AES128-SHA:HIGH:!aNULL:!MD5",
    "ECDHE-RSA-AES256-SHA384:AES256-SHA256:!RC4:HIGH:!MD5:!aNULL:!EDH:!AESGCM",
    "HIGH:MEDIUM:!MD5:!RC4:!3DES",
    "PROFILE=SYSTEM",
    /* Mozilla's recommendations (modern, intermediate, old; several
     * generations) */
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:"
    "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:"
    "ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:"
    "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:"
    "DES-CBC3-SHA",
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:"
    "ECDHE-RSA-AES128-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:DHE-DSS-AES128-GCM-SHA256:kEDH+AESGCM:"
    "ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA384:"
    "ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA:"
    "DHE-DSS-AES128-SHA256:DHE-RSA-AES256-SHA256:DHE-DSS-AES256-SHA:DHE-RSA-AES256-SHA:"
    "!aNULL:!eNULL:!EXPORT:!DES:!RC4:!3DES:!MD5:!PSK",
    /* Python's ssl module (3.10+ and older) */
    "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM",
    "ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:ECDH+HIGH:DH+HIGH:"
    "RSA+AESGCM:RSA+AES:RSA+HIGH:!aNULL:!eNULL:!MD5:!3DES",
    "ECDH+AESGCM:ECDH+CHACHA20:DH+AESGCM:DH+CHACHA20:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:"
    "ECDH+HIGH:DH+HIGH:RSA+AESGCM:RSA+AES:RSA+HIGH:!aNULL:!eNULL:!MD5:!3DES",
    "DEFAULT:!aNULL:!eNULL:!MD5:!3DES:!DES:!RC4:!IDEA:!SEED:!aDSS:!SRP:!PSK",
    /* curl, wget, Node.js, Ruby, PostgreSQL, OpenLDAP */
    "ALL:!EXPORT:!EXPORT40:!EXPORT56:!aNULL:!LOW:!RC4:@STRENGTH",
    "HIGH:!aNULL:!RC4:!MD5:!SRP:!PSK",
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:"
    "DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:"
    "ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:"
    "!PSK:!SRP:!CAMELLIA",
    "ALL:!aNULL:!eNULL:!SSLv2",
    "HIGH:MEDIUM:+3DES:!aNULL",
    "HIGH:MEDIUM:+SSLv2",
    /* haproxy, stunnel, lighttpd (space separated), Postfix, Dovecot, Exim */
    "ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:RSA+AESGCM:RSA+AES:"
    "!aNULL:!MD5:!DSS",
    "ECDHE+AESGCM:ECDHE+CHACHA20:ECDHE+AES256:ECDHE+AES128:!MD5:!SHA1:!DSS:!aNULL",
    "HIGH:+3DES:+DH:!aNULL:!SSLv2",
    "aRSA+HIGH !3DES +kEDH +kRSA !kSRP !kPSK !NULL",
    "aNULL:-aNULL:HIGH:@STRENGTH",
    "ALL:!EXPORT:!LOW:!MEDIUM:+RC4:@STRENGTH",
    "aNULL:-aNULL:ALL:!EXPORT:!LOW:+RC4:@STRENGTH",
    "ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH",
    "ALL:!EXPORT:!LOW:!MEDIUM",
    "HIGH:MEDIUM:!RC4:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!SRP:!DSS",
    /* Guides: cipherli.st, bettercrypto, Qualys */
    "EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH",
    "EECDH+AESGCM:EDH+AESGCM",
    "EDH+CAMELLIA:EDH+aRSA:EECDH+aRSA+AESGCM:EECDH+aRSA+SHA256:EECDH:+CAMELLIA128:+AES128:"
    "+SSLv3:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!IDEA:!ECDSA:kEDH:"
    "CAMELLIA128-SHA:AES128-SHA",
    "EECDH+ECDSA+AESGCM EECDH+aRSA+AESGCM EECDH+ECDSA+SHA384 EECDH+ECDSA+SHA256 "
    "EECDH+aRSA+SHA384 EECDH+aRSA+SHA256 EECDH+aRSA+RC4 EECDH EDH+aRSA RC4 !aNULL !eNULL "
    "!LOW !3DES !MD5 !EXP !PSK !SRP !DSS",
    /* crypto-policies (Fedora/RHEL) and Debian's system default */
    "@SECLEVEL=2:kEECDH:kRSA:kEDH:kPSK:kDHEPSK:kECDHEPSK:kRSAPSK:-aDSS:-3DES:!DES:!RC4:!RC2:"
    "!IDEA:-SEED:!eNULL:!aNULL:!MD5:-SHA384:-CAMELLIA:-ARIA:-AESCCM8",
    "@SECLEVEL=1:kEECDH:kRSA:kEDH:kPSK:kDHEPSK:kECDHEPSK:kRSAPSK:-aDSS:!DES:!RC4:!RC2:!IDEA:"
    "-SEED:!eNULL:!aNULL:!MD5:-SHA384:-CAMELLIA:-ARIA:-AESCCM8",
    "@SECLEVEL=3:kEECDH:kEDH:kPSK:kDHEPSK:kECDHEPSK:-kRSA:-aDSS:-AES128:-SHA256:-CHACHA20:"
    "-SHA1:!eNULL:!aNULL",
    "DEFAULT:@SECLEVEL=2",
    "DEFAULT@SECLEVEL=1",
    "DEFAULT:@SECLEVEL=0",
    /* More servers and their defaults, old and new */
    "DEFAULT:!EXP:!SSLv2:!DES:!IDEA:!SEED:+3DES",
    "HIGH:!aNULL",
    "HIGH:!aNULL:!MD5:!RC4",
    "ALL:!LOW:!SSLv2:!EXP:!aNULL",
    "HIGH:MEDIUM:!LOW:!SSLv2:@STRENGTH",
    "HIGH:!SSLv2:!aNULL",
    "DEFAULT:!EXP:!LOW:!MEDIUM:!kDH:!kECDH:!DSS:!PSK:!SRP:!kRSA",
    "EECDH+AESGCM:AES256+EECDH:CHACHA20:!SHA1:!SHA256:!SHA384",
    "EECDH+CHACHA20:EECDH+AES128:RSA+AES128:EECDH+AES256:RSA+AES256:EECDH+3DES:RSA+3DES:!MD5",
    "EECDH+CHACHA20:EECDH+CHACHA20-draft:EECDH+AES128:RSA+AES128:EECDH+AES256:RSA+AES256:"
    "EECDH+3DES:RSA+3DES:!MD5",
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:RC4-SHA",
    "ECDHE-RSA-AES128-SHA256:AES128-GCM-SHA256:RC4:HIGH:!MD5:!aNULL:!EDH",
    "ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:"
    "ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:"
    "!SRP:!CAMELLIA",
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA256:"
    "ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA:"
    "ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:"
    "DHE-RSA-AES128-SHA:DHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA:ECDHE-ECDSA-DES-CBC3-SHA:"
    "ECDHE-RSA-DES-CBC3-SHA:EDH-RSA-DES-CBC3-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:"
    "AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA:!DSS",
    /* A database server's list of its time, with suites 1.1.0 removed
     * (static DH and ECDH) that are unknown words now */
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:DHE-DSS-AES128-GCM-SHA256:"
    "DH-DSS-AES128-GCM-SHA256:ECDH-ECDSA-AES128-GCM-SHA256:DH-RSA-AES256-SHA256:"
    "ECDH-RSA-AES128-SHA:AES128-SHA:DES-CBC3-SHA",
    /* PHP's and urllib3's defaults over the years */
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:DHE-DSS-AES128-GCM-SHA256:kEDH+AESGCM:"
    "ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:"
    "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128:AES256:HIGH:!SSLv2:!aNULL:!eNULL:!EXPORT:!DES:"
    "!MD5:!RC4:!ADH",
    "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:ECDH+AESGCM:DH+AESGCM:ECDH+AES:DH+AES:"
    "RSA+AESGCM:RSA+AES:!aNULL:!eNULL:!MD5:!DSS",
    "ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:ECDH+HIGH:DH+HIGH:ECDH+3DES:"
    "DH+3DES:RSA+AESGCM:RSA+AES:RSA+HIGH:RSA+3DES:!aNULL:!eNULL:!MD5",
    /* Python 2.7 / 3.3 / 3.4 */
    "ECDH+AESGCM:ECDH+CHACHA20:DH+AESGCM:DH+CHACHA20:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:"
    "ECDH+HIGH:DH+HIGH:RSA+AESGCM:RSA+AES:RSA+HIGH:!aNULL:!eNULL:!MD5:!DSS:!RC4:!3DES",
    "ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:ECDH+3DES:DH+3DES:"
    "RSA+AESGCM:RSA+AES:RSA+3DES:!aNULL:!MD5:!DSS",
    "DEFAULT:!aNULL:!eNULL:!LOW:!EXPORT:!SSLv2",
    /* haproxy's and Tor's lists */
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
    "kEECDH+ECDSA+AES128:kEECDH+ECDSA+AES256:kEECDH+AES128:kEECDH+AES256:kEDH+AES128:kEDH+AES256:"
    "DES-CBC3-SHA:+SHA:!aNULL:!eNULL:!LOW:!kECDH:!DSS:!MD5:!RC4:!EXP:!PSK:!SRP:!CAMELLIA:!SEED",
    /* bettercrypto A and B, and Qualys's space-separated list */
    "EDH+aRSA+AES256:EECDH+aRSA+AES256:!SSLv3",
    "EDH+CAMELLIA:EDH+aRSA:EECDH+aRSA+AESGCM:EECDH+aRSA+SHA384:EECDH+aRSA+SHA256:EECDH:"
    "+CAMELLIA256:+AES256:+CAMELLIA128:+AES128:+SSLv3:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:"
    "!DSS:!RC4:!SEED:!ECDSA:CAMELLIA256-SHA:AES256-SHA:CAMELLIA128-SHA:AES128-SHA",
    "ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-AES128-SHA "
    "ECDHE-ECDSA-AES256-SHA ECDHE-ECDSA-AES128-SHA256 ECDHE-ECDSA-AES256-SHA384 "
    "ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384 ECDHE-RSA-AES128-SHA "
    "ECDHE-RSA-AES256-SHA ECDHE-RSA-AES128-SHA256 ECDHE-RSA-AES256-SHA384 "
    "DHE-RSA-AES128-GCM-SHA256 DHE-RSA-AES256-GCM-SHA384 DHE-RSA-AES128-SHA DHE-RSA-AES256-SHA "
    "DHE-RSA-AES128-SHA256 DHE-RSA-AES256-SHA256 EDH-RSA-DES-CBC3-SHA",
    /* The ciphers(1) manual's examples */
    "ALL:eNULL",
    "ALL:!ADH:@STRENGTH",
    "ALL:!aNULL:!eNULL",
    "3DES:+RSA",
    "RC4:!COMPLEMENTOFDEFAULT",
    "RSA:!COMPLEMENTOFALL",
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA",
    "aNULL",
    "ECDSA:SHA256",
    "ALL:@SECLEVEL=2",
    "AESGCM+ECDHE",
    "ECDHE+aECDSA:ECDHE+aRSA",
    "SUITEB128",
    "SUITEB128ONLY",
    "SUITEB128C2",
    "SUITEB192",
    /* Odd and invalid: empty parts, separators, case, operators, names from
     * other libraries (IANA, BoringSSL's equal-preference groups, OpenVPN) */
    "",
    ":",
    "::",
    ",",
    " ",
    "!",
    "+",
    "-",
    "@",
    "ALL:",
    ":ALL",
    "ALL::HIGH",
    "ALL,,,HIGH",
    "ALL;HIGH",
    "ALL HIGH",
    "ALL\tHIGH",
    "  HIGH",
    "HIGH ",
    "HIGH!aNULL",
    "HIGH:!",
    "HIGH:-",
    "HIGH:+",
    "@STRENGTH",
    "@SECLEVEL=",
    "@SECLEVEL=9",
    "@SECLEVEL=-1",
    "@SECLEVEL=2:@SECLEVEL=0",
    "@SECLEVEL=1x",
    "@FOO",
    "DEFAULT@",
    "DEFAULT:@STRENGTH:@STRENGTH",
    "NOSUCHCIPHER",
    "NOSUCH:HIGH",
    "HIGH:NOSUCH",
    "high",
    "aes128-sha",
    "Aes128-Sha",
    "AES128-SHA+",
    "+AES128-SHA",
    "AES+",
    "AES++RSA",
    "AES+RSA+SHA1+kRSA+aRSA",
    "!ALL",
    "-ALL:AES128-SHA",
    "!ALL:AES128-SHA",
    "COMPLEMENTOFDEFAULT",
    "COMPLEMENTOFALL",
    "eNULL",
    "NULL",
    "kRSA:@STRENGTH",
    "TLSv1.2",
    "TLSv1",
    "TLSv1.0",
    "SSLv3",
    "SSLv2",
    "CHACHA20",
    "ARIA:CAMELLIA",
    "TLS_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384",
    "[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]:ECDHE-RSA-AES128-GCM-SHA256",
    "DEFAULT:-@STRENGTH",
    "PROFILE=",
    "PROFILE=FOO",
};

/* The grammar's vocabulary: keywords and aliases, suite names, operators. */
static const char *const words[] = {
    "ALL",
    "DEFAULT",
    "COMPLEMENTOFALL",
    "COMPLEMENTOFDEFAULT",
    "HIGH",
    "MEDIUM",
    "LOW",
    "eNULL",
    "NULL",
    "aNULL",
    "kRSA",
    "RSA",
    "aRSA",
    "kDHE",
    "kEDH",
    "DH",
    "DHE",
    "EDH",
    "ADH",
    "kEECDH",
    "kECDHE",
    "ECDH",
    "ECDHE",
    "EECDH",
    "AECDH",
    "aECDSA",
    "ECDSA",
    "aDSS",
    "DSS",
    "PSK",
    "kPSK",
    "kECDHEPSK",
    "kDHEPSK",
    "kRSAPSK",
    "aPSK",
    "SRP",
    "kSRP",
    "aSRP",
    "AES",
    "AES128",
    "AES256",
    "AESGCM",
    "AESCCM",
    "AESCCM8",
    "CHACHA20",
    "CAMELLIA",
    "ARIA",
    "ARIAGCM",
    "3DES",
    "SEED",
    "IDEA",
    "RC4",
    "MD5",
    "SHA1",
    "SHA",
    "SHA256",
    "SHA384",
    "SSLv3",
    "TLSv1",
    "TLSv1.0",
    "TLSv1.2",
    "FIPS",
    "SUITEB128",
    "SUITEB192",
    "SUITEB128ONLY",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "AES256-SHA",
    "DHE-RSA-AES256-SHA256",
    "PSK-AES128-CBC-SHA",
    "ECDHE-PSK-CHACHA20-POLY1305",
    "SRP-AES-128-CBC-SHA",
    "NULL-SHA256",
    "ADH-AES128-SHA",
    "TLS_AES_128_GCM_SHA256",
    "FOO",
    "aes",
    "",
};

static const char *const specials[] = {
    "@STRENGTH",   "@SECLEVEL=0", "@SECLEVEL=1", "@SECLEVEL=3",
    "@SECLEVEL=5", "@SECLEVEL=",  "@SECLEVEL=x", "@BAD",
};

static unsigned long long state;

/* A fixed generator (splitmix64), the same on every machine. */
static unsigned pick(unsigned n)
{
    unsigned long long z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (unsigned)((z ^ (z >> 31)) % n);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* element := [op] word ('+' word)* | special;  string := element (sep element)* */
static void random_string(char *out, size_t size)
{
    static const char *const ops[] = {"", "", "", "!", "-", "+"};
    static const char *const seps[] = {":", ":", ":", " ", ",", ";", "::"};
    unsigned elements = 1 + pick(6);
    size_t len = 0;

    out[0] = '\0';
    for (unsigned e = 0; e < elements && len + 200 < size; e++) {
        if (e > 0)
            len += (size_t)snprintf(out + len, size - len, "%s", seps[pick(COUNT(seps))]);
        if (pick(10) == 0) {
            len += (size_t)snprintf(out + len, size - len, "%s", specials[pick(COUNT(specials))]);
            continue;
        }
        len += (size_t)snprintf(out + len, size - len, "%s%s", ops[pick(COUNT(ops))],
                                words[pick(COUNT(words))]);
        for (unsigned j = pick(4) == 0 ? 1 + pick(2) : 0; j > 0; j--)
            len += (size_t)snprintf(out + len, size - len, "+%s", words[pick(COUNT(words))]);
    }
}

static void print_list(STACK_OF(SSL_CIPHER) * sk)
{
    printf("  %d:", sk_SSL_CIPHER_num(sk));
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++)
        printf(" %s", SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)));
    printf("\n");
}

static void one(const char *str)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());

    printf("[%s] cipher_list %d\n", str, SSL_CTX_set_cipher_list(ctx, str));
    diff_print_errors("  ");
    print_list(SSL_CTX_get_ciphers(ctx));
    printf("  ciphersuites %d\n", SSL_CTX_set_ciphersuites(ctx, str));
    diff_print_errors("  ");
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    diff_report_lib();
    if (argc == 2 && strcmp(argv[1], "corpus") == 0) {
        for (size_t i = 0; i < COUNT(corpus); i++)
            one(corpus[i]);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "random") == 0) {
        char buf[2048];
        long n = atol(argv[3]);

        state = strtoull(argv[2], NULL, 10);
        for (long i = 0; i < n; i++) {
            random_string(buf, sizeof(buf));
            one(buf);
        }
        return 0;
    }
    fprintf(stderr, "usage: diff_cipher_strings corpus | random SEED COUNT\n");
    return 2;
}
