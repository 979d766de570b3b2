/*
 * shimssl trace - the tracer's internal interface.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * libshimssl-trace.so defines every libssl export.  Each definition (generated
 * by gen_trace.py into wrappers.c) forwards to the next libssl in the search
 * order and, when the call comes from the program, writes one line:
 *
 *     t1 42 SSL_read(#ssl1, out, 16384) = 18 {arg2=data[18:9c1d06f2]} | SSL_ERROR_NONE
 *
 * A call is a "record" on the calling thread's stack.  Records nest only
 * through callbacks: libssl calls a program callback (through one of our
 * trampolines, see cbslots.c), which may call libssl again.  When a nested
 * line is about to be written, the records around it that have no line yet
 * are first announced with "> NAME(args)"; their own line then starts "< ".
 *
 * Calls that libssl makes to its own exports (stock libssl calls through its
 * PLT, so they land here too) are forwarded without a line: the thread's
 * depth counter says "inside libssl", and so does a caller address inside
 * libssl's text (an SSL BIO reaching SSL_read from libcrypto).
 *
 * Locks: one mutex each for the object ids, the callback slots and opening
 * the trace file, held for a few stores or a malloc.  Nothing is called
 * under them -- no libssl function, no callback, no output -- so no thread
 * can wait on the tracer while holding something the tracer needs.  Lines
 * are written without a lock (one write() each).  A fork child resets the
 * locks in its atfork handler, which only unlocks, stores and closes
 * (async-signal-safe, as a child of a threaded process requires).
 */
#ifndef SHIMSSL_TRACER_H
#define SHIMSSL_TRACER_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

/* One line of text.  Appends past the end are dropped and the line ends in
 * "..." so a truncated line is visible as such. */
#define TR_TEXT_MAX     1536
#define TR_TEXT_RESERVE 4 /* "...\n" */
struct tr_text {
    size_t len;
    int truncated;
    char buf[TR_TEXT_MAX];
};

/* Snapshot of the thread's error queue (see errq.c). */
struct tr_errsnap {
    int valid;
    int top, bottom;
    unsigned long code;
};

struct tr_rec {
    struct tr_rec *outer; /* the record open around this one on the thread */
    unsigned long seq;
    int level;       /* how many records are open around it */
    int announced;   /* a "> " line was written for it */
    int saved_errno; /* the program's errno, restored before returning */
    int saved_depth; /* callbacks: the thread's depth before the callback */
    size_t args_end; /* text length once the argument list is closed */
    int nouts;       /* output values written after the result */
    struct tr_errsnap err_before;
    struct tr_text t;
};

/* Object kinds with stable ids (#ssl1, #ctx2 ...), see objects.c. */
enum tr_kind { TR_SSL, TR_CTX, TR_SESS, TR_BIO, TR_CONF, TR_KIND_COUNT };

/* --- core.c: the life of a record ------------------------------------- */

/* Makes sure the real functions are resolved (done once per process). */
void tr_init(void);
/* Starts a traced call; returns 0 when the call must simply be forwarded. */
int tr_begin(struct tr_rec *r, const char *name, const void *caller);
/* Starts a callback record (always traced). */
void tr_cb_begin(struct tr_rec *r, const char *name);
/* Closes the argument list. */
void tr_args_done(struct tr_rec *r);
/* Around the forwarded call: the thread is "inside libssl" in between. */
void tr_call_start(struct tr_rec *r);
void tr_call_done(struct tr_rec *r);
/* Around the program's callback: the thread is "in the program" in between. */
void tr_cb_call_start(struct tr_rec *r);
void tr_cb_call_done(struct tr_rec *r);
/* Writes the line (and any announcements), closes the record and gives the
 * program back its errno. */
void tr_end(struct tr_rec *r);
/* A real libssl function was not found: say so and stop. */
void tr_missing(const char *name) __attribute__((noreturn));
/* The real function of that name in the next libssl (NULL when missing). */
void *tr_resolve(const char *name);
/* Generated (wrappers.c): resolves every real function. */
void tr_resolve_all(void);
/* Set once libssl has been initialised by the program: from then on the
 * tracer may look at the error queue (creating a thread's error state
 * earlier could load libcrypto's error strings before the program says
 * whether it wants them). */
void tr_lib_initialised(void);
int tr_lib_is_initialised(void);

/* The few libssl functions the tracer itself calls, always the real ones
 * (never our wrappers): they only read state. */
struct tr_helpers {
    const char *(*cipher_name)(const SSL_CIPHER *c);
    int (*get_error)(const SSL *s, int ret);
    BIO *(*get_rbio)(const SSL *s);
    BIO *(*get_wbio)(const SSL *s);
};
extern struct tr_helpers tr_lib;

/* --- output.c: one trace file per process ------------------------------ */

void tr_out_init(const char *libssl_path);
void tr_out_line(const char *buf, size_t len);
void tr_out_after_fork_child(void);

/* --- fmt.c: text --------------------------------------------------------- */

void tr_puts(struct tr_rec *r, const char *s);
void tr_putn(struct tr_rec *r, const char *s, size_t n);
void tr_putc(struct tr_rec *r, char c);
void tr_put_dec(struct tr_rec *r, long long v);
void tr_put_udec(struct tr_rec *r, unsigned long long v);
void tr_put_hex(struct tr_rec *r, unsigned long long v);
void tr_sep(struct tr_rec *r);
/* Output values after the result: " {arg2=...". */
void tr_out_begin(struct tr_rec *r, int argno);
void tr_outs_done(struct tr_rec *r);
uint32_t tr_digest(const void *p, size_t n);
size_t tr_fmt_udec(char *out, unsigned long long v);
void tr_text_reset(struct tr_text *t);
void tr_text_puts(struct tr_text *t, const char *s);
void tr_text_putn(struct tr_text *t, const char *s, size_t n);

/* --- values.c: arguments and results by type -------------------------- */

void tr_v_int(struct tr_rec *r, long long v);
void tr_v_uint(struct tr_rec *r, unsigned long long v);
void tr_v_ptr(struct tr_rec *r, const void *p);
void tr_v_fn(struct tr_rec *r, const void *p);
void tr_v_opaque(struct tr_rec *r, const char *type, const void *p);
void tr_v_str(struct tr_rec *r, const char *s);
void tr_v_strn(struct tr_rec *r, const char *s, size_t n);
void tr_v_buf(struct tr_rec *r, const void *p, size_t n);
void tr_v_maxbuf(struct tr_rec *r, const void *p, size_t n, size_t most);
void tr_v_vmaxbuf(struct tr_rec *r, const void *p, size_t n, size_t most);
/* A value that differs from run to run by nature (randoms, keys, times):
 * prefixed "~" so that `shimssl diff` compares its shape only. */
void tr_v_vbuf(struct tr_rec *r, const void *p, size_t n);
void tr_v_vint(struct tr_rec *r, long long v);
void tr_v_obj(struct tr_rec *r, enum tr_kind k, const void *p);
void tr_v_newobj(struct tr_rec *r, enum tr_kind k, const void *p);
void tr_v_cipher(struct tr_rec *r, const void *c);
void tr_v_method(struct tr_rec *r, const void *m);
void tr_v_newmethod(struct tr_rec *r, const void *m, const char *name);
void tr_v_x509(struct tr_rec *r, const void *x);
void tr_v_stack(struct tr_rec *r, const void *sk);
void tr_v_storectx(struct tr_rec *r, const void *ctx);
void tr_v_intarray(struct tr_rec *r, const int *p, size_t n);
/* A key-log line: its label only (the rest is a secret and a random). */
void tr_v_keylog(struct tr_rec *r, const char *line);
/* A message given to the message callback, by content type: lengths and
 * message types, not contents (ClientHello and ServerHello carry randoms). */
void tr_v_msgbuf(struct tr_rec *r, const void *buf, size_t len, int content_type);

/* --- names.c (generated): constants by name ---------------------------- */

struct tr_name {
    unsigned long long value;
    const char *name;
};
extern const struct tr_name tr_names_ctrl[], tr_names_cbctrl[], tr_names_op[], tr_names_mode[],
    tr_names_verify[], tr_names_sess_cache[], tr_names_cb[], tr_names_error[], tr_names_version[],
    tr_names_rt[], tr_names_mt[], tr_names_shutdown[], tr_names_x509v[], tr_names_init[],
    tr_names_conf[], tr_names_want[], tr_names_tlsext_err[], tr_names_secop[], tr_names_ext[],
    tr_names_hostflags[], tr_names_nametype[];
/* "A|B|0x40" from single-bit names; "0" for zero. */
void tr_v_flags(struct tr_rec *r, const struct tr_name *t, unsigned long long v);
/* The name of v, or the number. */
void tr_v_enum(struct tr_rec *r, const struct tr_name *t, long long v);
const char *tr_name_of(const struct tr_name *t, unsigned long long v);

/* --- ctrl.c: SSL_ctrl / SSL_CTX_ctrl / *_callback_ctrl ------------------ */

void tr_ctrl_args(struct tr_rec *r, int cmd, long larg, void *parg);
void tr_ctrl_result(struct tr_rec *r, int cmd, long larg, void *parg, long ret);
void tr_cbctrl_args(struct tr_rec *r, int cmd, const void *fp);
/* Generated (trampolines.c): the trampoline standing for fp, by the
 * *_callback_ctrl number that installs it (fp itself for other numbers). */
void *tr_cbctrl_wrap(int cmd, void *fp);

/* --- errq.c: the error queue and SSL_get_error ------------------------- */

void tr_err_snapshot(struct tr_errsnap *s);
/* Appends " | err=[...]" when the queue differs from the snapshot. */
void tr_err_note_if_changed(struct tr_rec *r);
/* After handshake and I/O calls: " | SSL_ERROR_x [errno=..] [err=[...]]". */
void tr_io_note(struct tr_rec *r, const void *ssl, long ret);

/* --- objects.c: stable ids ---------------------------------------------- */

unsigned tr_obj_id(enum tr_kind k, const void *p, int fresh);
void tr_obj_forget(const void *p);
void tr_method_name_set(const void *m, const char *name);
const char *tr_method_name(const void *m);
void tr_objects_after_fork_child(void);
void tr_objects_lock(void);
void tr_objects_unlock(void);

/* --- cbslots.c: program callbacks behind trampolines -------------------- */

#define TR_CB_SLOTS 16
struct tr_cb_kind {
    const char *name;
    void *tramp[TR_CB_SLOTS]; /* our functions, one per slot */
    void *user[TR_CB_SLOTS];  /* the program's (atomic): once set, never changes */
};
/* The trampoline that calls fn (NULL stays NULL). */
void *tr_cb_wrap(struct tr_cb_kind *k, void *fn);
/* The program's function behind a trampoline (anything else unchanged). */
void *tr_cb_unwrap(void *fn);
void tr_cbslots_after_fork_child(void);
/* Generated: every kind, NULL-terminated. */
extern struct tr_cb_kind *const tr_cb_kinds[];

/* --- hooks.c: what some functions need besides their line --------------- */

/* SSL_free: the BIOs it frees are forgotten with it. */
void tr_hook_ssl_bios(const SSL *s, const void *bios[2]);
void tr_hook_forget(const void *const *objs, size_t n);

#endif /* SHIMSSL_TRACER_H */
