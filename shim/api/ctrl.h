/*
 * shimssl - the SSL_ctrl / SSL_CTX_ctrl command table.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * SSL_ctrl(), SSL_CTX_ctrl() and the two callback_ctrl functions look the
 * command number up in one table (shim/api/ctrl.c).  Each entry names a
 * handler; handlers live with the module whose state they touch:
 *
 *   shim/api/ctrl.c          simple settings: options, modes, versions, limits,
 *                            callbacks, host name, session-cache settings and stats
 *   shim/api/cert_ctrl.c     shim_cert_ctrl: chains, extra certs, current cert,
 *                            chain/verify stores, cert flags, tmp DH
 *   shim/api/session_cache.c shim_session_ctrl: SESS_NUMBER, cache size
 *   shim/api/groups_ctrl.c   shim_groups_ctrl: groups and sigalgs lists
 *   shim/api/conn_ctrl.c     shim_conn_ctrl: what the handshake negotiated
 *                            (peer tmp key, signature NIDs, shared group, ...)
 *
 * Exactly one of ctx and s is non-NULL: s for SSL_ctrl, ctx for SSL_CTX_ctrl.
 * A handler returns what the ctrl function returns; commands it does not know
 * return 0, as stock's do.
 */
#ifndef SHIM_API_CTRL_H
#define SHIM_API_CTRL_H

#include "objects.h"

typedef long (*shim_ctrl_fn)(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg);
typedef long (*shim_callback_ctrl_fn)(SSL_CTX *ctx, SSL *s, int cmd, void (*fp)(void));

long shim_cert_ctrl(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg);
long shim_session_ctrl(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg);
long shim_groups_ctrl(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg);
long shim_conn_ctrl(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg);

#endif
