/*
 * shimssl thread test: many threads share one SSL_CTX.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * THREADS threads each make CONNECTIONS connections through one SSL_CTX
 * (client session cache on; new-session, info, verify and key-log callbacks
 * set) to two openssl s_server processes run by run_threads.py: one speaks
 * TLS 1.3 and 1.2 and resumes by ticket, the other TLS 1.2 by session id.
 * Connections cycle through three kinds (TLS 1.3, TLS 1.2 with tickets,
 * TLS 1.2 with session ids) and every other one of a kind resumes the latest
 * session any thread received for that kind, so sessions cross threads (a
 * TLS 1.3 session is used once, as stock's client cache allows).
 *
 * Built twice from this file: against our headers and static core (the
 * ThreadSanitizer build runs that one; it must show no report) and against
 * the system libssl, so the counts the test requires at the end (every
 * connection and resumption succeeds, the callbacks and the context's
 * statistics agree with them) are checked against stock as well.
 *
 * usage: thread_stress TICKET_PORT SESSION_ID_PORT CA_FILE THREADS CONNECTIONS
 */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

enum kind { K_TLS13, K_TLS12_TICKET, K_TLS12_SESSION_ID, KINDS };
static const char *const kind_name[KINDS] = {"TLS 1.3 ticket", "TLS 1.2 ticket",
                                             "TLS 1.2 session id"};

static int ports[2];
static int connections;

/* The latest session received for each kind, shared by all threads. */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static SSL_SESSION *pool[KINDS];

static atomic_int failures, handshakes, full[KINDS], tried_resume[KINDS], resumed[KINDS];
static atomic_int cb_new_session[KINDS], cb_handshake_start, cb_handshake_done, cb_verify,
    cb_keylog;

static int kind_index = -1; /* SSL ex_data slot: the connection's kind */

static void fail(const char *what, enum kind k, int n)
{
    char buf[256];
    unsigned long e;
    fprintf(stderr, "FAIL: %s (%s, connection %d)\n", what, kind_name[k], n);
    while ((e = ERR_get_error()) != 0)
        fprintf(stderr, "  %s\n", ERR_error_string(e, buf));
    atomic_fetch_add(&failures, 1);
}

/* Keeps the session as the latest of its kind (returning 1 keeps our
 * reference); called from any thread, for TLS 1.3 once per ticket. */
static int new_session_cb(SSL *s, SSL_SESSION *sess)
{
    enum kind k = (enum kind)(intptr_t)SSL_get_ex_data(s, kind_index);
    SSL_SESSION *old;

    atomic_fetch_add(&cb_new_session[k], 1);
    pthread_mutex_lock(&pool_lock);
    old = pool[k];
    pool[k] = sess;
    pthread_mutex_unlock(&pool_lock);
    SSL_SESSION_free(old);
    return 1;
}

static void info_cb(const SSL *s, int where, int ret)
{
    (void)s;
    (void)ret;
    if (where & SSL_CB_HANDSHAKE_START)
        atomic_fetch_add(&cb_handshake_start, 1);
    if (where & SSL_CB_HANDSHAKE_DONE)
        atomic_fetch_add(&cb_handshake_done, 1);
}

static int verify_cb(int ok, X509_STORE_CTX *store)
{
    (void)store;
    atomic_fetch_add(&cb_verify, 1);
    return ok;
}

static void keylog_cb(const SSL *s, const char *line)
{
    (void)s;
    if (line != NULL && line[0] != '\0')
        atomic_fetch_add(&cb_keylog, 1);
}

/* The latest session of a kind.  A TLS 1.3 session is taken out of the pool:
 * with the client cache on, stock resumes one only once (it removes it from
 * the cache, marking it not resumable, when the resumed handshake ends), so
 * two threads offering the same one would race.  TLS 1.2 sessions stay in
 * the pool and are offered by several threads, possibly at once. */
static SSL_SESSION *take_session(enum kind k)
{
    SSL_SESSION *sess;
    pthread_mutex_lock(&pool_lock);
    sess = pool[k];
    if (k == K_TLS13)
        pool[k] = NULL;
    else if (sess != NULL)
        SSL_SESSION_up_ref(sess);
    pthread_mutex_unlock(&pool_lock);
    return sess;
}

static int tcp_connect(int port)
{
    struct sockaddr_in a = {0};
    struct timeval tv = {10, 0}; /* a stuck peer fails the test, not hangs it */
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* s_server -rev answers each line reversed. */
static int echo_ok(SSL *s, int id)
{
    char line[64], want[64], got[64];
    size_t len = (size_t)snprintf(line, sizeof(line), "ping %d\n", id), n = 0;

    for (size_t i = 0; i + 1 < len; i++)
        want[i] = line[len - 2 - i];
    want[len - 1] = '\n';
    if (SSL_write(s, line, (int)len) != (int)len)
        return 0;
    while (n < len) {
        int r = SSL_read(s, got + n, (int)(len - n));
        if (r <= 0)
            return 0;
        n += (size_t)r;
    }
    return memcmp(got, want, len) == 0;
}

static void one_connection(SSL_CTX *ctx, int thread, int n)
{
    enum kind k = (enum kind)(n % KINDS);
    int resume = (n / KINDS) % 2 == 1;
    int fd = tcp_connect(ports[k == K_TLS12_SESSION_ID]);
    SSL *s;
    SSL_SESSION *sess = NULL;

    if (fd < 0) {
        fail("tcp connect", k, n);
        return;
    }
    s = SSL_new(ctx);
    SSL_set_ex_data(s, kind_index, (void *)(intptr_t)k);
    SSL_set_fd(s, fd);
    SSL_set_tlsext_host_name(s, "localhost");
    SSL_set1_host(s, "localhost");
    if (k != K_TLS13)
        SSL_set_max_proto_version(s, TLS1_2_VERSION);
    if (resume && (sess = take_session(k)) != NULL) {
        SSL_set_session(s, sess);
        atomic_fetch_add(&tried_resume[k], 1);
    }
    if (SSL_connect(s) != 1) {
        fail("handshake", k, n);
    } else {
        atomic_fetch_add(&handshakes, 1);
        if (SSL_session_reused(s))
            atomic_fetch_add(&resumed[k], 1);
        else
            atomic_fetch_add(&full[k], 1);
        if (sess != NULL && !SSL_session_reused(s))
            fprintf(stderr,
                    "%s connection %d of thread %d: offered session not resumed "
                    "(resumable now %d)\n",
                    kind_name[k], n, thread, SSL_SESSION_is_resumable(sess));
        if (SSL_version(s) != (k == K_TLS13 ? TLS1_3_VERSION : TLS1_2_VERSION))
            fail("negotiated version", k, n);
        if (!echo_ok(s, thread * 100000 + n))
            fail("echo", k, n);
        /* close_notify keeps the session resumable */
        SSL_shutdown(s);
    }
    SSL_SESSION_free(sess);
    SSL_free(s);
    close(fd);
}

static SSL_CTX *ctx;

static void *worker(void *arg)
{
    int thread = (int)(intptr_t)arg;
    for (int n = 0; n < connections; n++)
        one_connection(ctx, thread, n);
    ERR_clear_error();
    return NULL;
}

/* A count the run must reach: prints it and whether it holds. */
static int check(const char *what, long got, long want)
{
    printf("%-44s %6ld (want %ld)%s\n", what, got, want, got == want ? "" : "  <-- FAIL");
    return got == want;
}

static int report(int threads)
{
    int ok = 1;
    long total = (long)threads * connections, all_full = 0, all_resumed = 0;

    ok &= check("failures", atomic_load(&failures), 0);
    ok &= check("handshakes", atomic_load(&handshakes), total);
    for (int k = 0; k < KINDS; k++) {
        char label[80];
        all_full += atomic_load(&full[k]);
        all_resumed += atomic_load(&resumed[k]);
        snprintf(label, sizeof(label), "%s: resumed / offered", kind_name[k]);
        ok &= check(label, atomic_load(&resumed[k]), atomic_load(&tried_resume[k]));
        /* How many offers find a session depends on how the threads
         * interleave (a TLS 1.3 session is taken by one thread only); one
         * per thread at least shows sessions crossing threads. */
        snprintf(label, sizeof(label), "%s: sessions offered >= threads", kind_name[k]);
        ok &= check(label, atomic_load(&tried_resume[k]) >= threads, 1);
        snprintf(label, sizeof(label), "%s: new-session callbacks", kind_name[k]);
        printf("%-44s %6d\n", label, atomic_load(&cb_new_session[k]));
        snprintf(label, sizeof(label), "%s: new-session callbacks > 0", kind_name[k]);
        ok &= check(label, atomic_load(&cb_new_session[k]) > 0, 1);
    }
    ok &= check("info: handshake start", atomic_load(&cb_handshake_start), total);
    ok &= check("info: handshake done", atomic_load(&cb_handshake_done), total);
    /* The verify callback sees each certificate of the chain (leaf and CA)
     * on full handshakes only. */
    ok &= check("verify callbacks", atomic_load(&cb_verify), 2 * all_full);
    ok &= check("key-log lines >= handshakes", atomic_load(&cb_keylog) >= total, 1);
    ok &= check("SSL_CTX_sess_connect", SSL_CTX_sess_connect(ctx), total);
    ok &= check("SSL_CTX_sess_connect_good", SSL_CTX_sess_connect_good(ctx), total);
    ok &= check("SSL_CTX_sess_hits", SSL_CTX_sess_hits(ctx), all_resumed);
    printf("%s: %ld connections in %d threads, %ld resumed\n", ok ? "ok" : "FAIL", total, threads,
           all_resumed);
    return ok;
}

int main(int argc, char **argv)
{
    pthread_t tid[64];
    int threads;

    if (argc != 6) {
        fprintf(stderr,
                "usage: thread_stress TICKET_PORT SESSION_ID_PORT CA_FILE THREADS CONNECTIONS\n");
        return 2;
    }
    ports[0] = atoi(argv[1]);
    ports[1] = atoi(argv[2]);
    threads = atoi(argv[4]);
    connections = atoi(argv[5]);
    if (threads < 1 || threads > 64 || connections < 2 * KINDS)
        return 2;

    kind_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, argv[3], NULL) != 1) {
        fprintf(stderr, "FAIL: context or CA file\n");
        return 1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
    SSL_CTX_sess_set_new_cb(ctx, new_session_cb);
    SSL_CTX_set_info_callback(ctx, info_cb);
    SSL_CTX_set_keylog_callback(ctx, keylog_cb);

    for (int i = 0; i < threads; i++)
        if (pthread_create(&tid[i], NULL, worker, (void *)(intptr_t)i) != 0)
            return 1;
    for (int i = 0; i < threads; i++)
        pthread_join(tid[i], NULL);

    int ok = report(threads);
    for (int k = 0; k < KINDS; k++)
        SSL_SESSION_free(pool[k]);
    SSL_CTX_free(ctx);
    return ok ? 0 : 1;
}
