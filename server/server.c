/*
 * server.c - start-up, the event loop, signals and an orderly shutdown.
 *
 * Threads: the loop thread owns every connection; the store workers and the hash
 * workers run op handlers; the store's audit thread commits audit rows.  Results
 * come back to the loop thread through the mailbox.
 */
#include "server/server.h"
#include "common/log.h"
#include "server/addr_limit.h"
#include "common/timeutil.h"
#include "common/vis.h"
#include "deepwell/seal.h"
#include "server/conn.h"
#include "server/mailbox.h"
#include "server/notify.h"
#include "server/pwtiming.h"
#include "server/request.h"
#include "server/session_rate.h"
#include "server/throttle.h"
#include "server/tls.h"
#include "server/view_cache.h"
#include "server/workq.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <malloc.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/*
 * Each argon2 hash maps, populates and unmaps 64 MiB (libsodium), holding the
 * process's memory-map lock; a read-path thread that page-faults meanwhile (its heap
 * grown back after malloc trimmed it) stalls for milliseconds.  Keeping freed heap
 * mapped removes those faults (figures: docs/BENCHMARKS.md, "the login storm's read tail").
 */
static void keep_heap_mapped(void)
{
    mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
    mallopt(M_TOP_PAD, 4 * 1024 * 1024);
}

/* Cores online, at least 2 and at most 32 (unknown: 2). */
static int cores_online(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 2 && cores < 32 ? (int)cores : cores >= 32 ? 32 : 2;
}

/* Search workers: one per core, on either engine: a search is CPU. */
static int default_search_workers(void)
{
    return cores_online();
}

/*
 * Store workers when the configuration leaves it to us.  SQLite work is CPU on this
 * machine: one worker per core (at least 2) keeps the cores busy, and more only queue
 * for them, each wake-up and switch costing more than it saves (measured with
 * bench/compare.sh: docs/BENCHMARKS.md, third round).  PostgreSQL work waits on the network,
 * so a worker per core would leave the cores idle: twice that, at least 4.
 */
static int default_store_workers(const char *db)
{
    int n = cores_online();
    return deepwell_location_file(db) == NULL ? 2 * n : n;
}

/*
 * SQLite store workers beyond the first stay on standby until a job has waited
 * this long (workq.h): a read takes a few tens of microseconds of one core, so one
 * thread keeps up (docs/BENCHMARKS.md, "store workers on standby") and
 * the spare ones would only take cores from the event loop.  On PostgreSQL a query
 * mostly waits on the network, so every worker takes jobs at once.
 */
#define STORE_STANDBY_US 20000

/* How far below the other threads the hash workers run (nice increment). */
#define HASH_THREAD_NICE 10

/*
 * The loop, on epoll with a change list: every reply adds write interest on its
 * socket and drops it once written, two epoll_ctl calls per request, which the
 * change list folds into the next epoll_wait (or into nothing, when both happen
 * in one pass).  Sockets are never dup()ed, the one case the change list gets wrong.
 */
static struct event_base *new_event_base(void)
{
    struct event_config *config = event_config_new();
    if (config == NULL)
        return NULL;
    event_config_set_flag(config, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    struct event_base *base = event_base_new_with_config(config);
    event_config_free(config);
    return base;
}

static void deliver_done(struct job *job, void *arg)
{
    conn_deliver((struct request *)job);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *addr, int len,
                      void *arg)
{
    conn_accept(arg, fd, addr, len);
}

static void resume_accepting(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;
    if (!srv->stopping)
        evconnlistener_enable(srv->listener);
}

static void on_accept_error(struct evconnlistener *l, void *arg)
{
    struct server *srv = arg;
    int e = EVUTIL_SOCKET_ERROR();
    /*
     * Out of descriptors and the like: keep serving the clients we have, and pause
     * accepting briefly instead of spinning on a listener that stays readable.
     */
    log_warning("server", "accept: %s; pausing new connections for 100 ms",
                evutil_socket_error_to_string(e));
    evconnlistener_disable(l);
    struct timeval pause = {0, 100 * 1000};
    if (srv->accept_pause == NULL)
        srv->accept_pause = evtimer_new(srv->base, resume_accepting, srv);
    if (srv->accept_pause == NULL || evtimer_add(srv->accept_pause, &pause) != 0)
        evconnlistener_enable(l);
}

void server_check_drained(struct server *srv)
{
    if (srv->stopping && srv->conns == NULL)
        event_base_loopbreak(srv->base);
}

static void grace_over(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;
    log_warning("server", "shutdown grace period over; closing %d connection(s)", srv->nconns);
    event_base_loopbreak(srv->base);
}

static void on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
    struct server *srv = arg;
    if (srv->stopping)
        return;
    srv->stopping = true;
    log_notice("server", "signal %d: finishing requests in flight, then exiting", (int)sig);
    notify_state("STOPPING=1");
    evconnlistener_disable(srv->listener);
    for (struct conn *c = srv->conns; c != NULL;) {
        struct conn *next = conn_next(c);
        conn_stop_reading(c);
        c = next;
    }
    struct timeval grace = {srv->cfg.shutdown_grace_s, 0};
    srv->grace_timer = evtimer_new(srv->base, grace_over, srv);
    if (srv->grace_timer == NULL || evtimer_add(srv->grace_timer, &grace) != 0)
        event_base_loopbreak(srv->base);
    server_check_drained(srv);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
    struct server *srv = arg;
    /* systemd waits for READY=1 after RELOADING=1 before it calls the reload done. */
    notify_state("RELOADING=1\nMONOTONIC_USEC=%lld", (long long)(time_mono_ns() / 1000));
    SSL_CTX *fresh = tls_context_new(srv->cert_path, srv->key_path);
    if (fresh == NULL) {
        log_error("server", "SIGHUP: certificate reload failed; keeping the old one");
        notify_state("READY=1\nSTATUS=certificate reload failed; serving with the old one");
        return;
    }
    /* Connections made so far keep a reference to the old context. */
    SSL_CTX_free(srv->tls);
    srv->tls = fresh;
    char fp[TLS_FINGERPRINT_HEX] = "";
    tls_fingerprint(fresh, fp);
    log_notice("server", "SIGHUP: certificate reloaded, fingerprint sha256:%s", fp);
    notify_state("READY=1\nSTATUS=certificate reloaded");
}

/* From the event loop: a loop that stops turning stops the pings, and systemd restarts it. */
static void watchdog_ping(evutil_socket_t fd, short what, void *arg)
{
    notify_state("WATCHDOG=1");
}

/* Pings at half the interval systemd asked for (sd_watchdog_enabled(3)). */
static int start_watchdog(struct server *srv)
{
    long long usec = notify_watchdog_usec();
    if (usec == 0)
        return 0;
    struct timeval every = {(time_t)(usec / 2 / 1000000), (suseconds_t)(usec / 2 % 1000000)};
    srv->watchdog = event_new(srv->base, -1, EV_PERSIST, watchdog_ping, srv);
    if (srv->watchdog == NULL || event_add(srv->watchdog, &every) != 0)
        return -1;
    return 0;
}

/* "host:port" or "[v6]:port" into host and port strings. */
static int split_listen(const char *listen, char *host, size_t hlen, char *port, size_t plen)
{
    const char *colon;
    if (listen[0] == '[') {
        const char *end = strchr(listen, ']');
        if (end == NULL || end[1] != ':')
            return -1;
        snprintf(host, hlen, "%.*s", (int)(end - listen - 1), listen + 1);
        colon = end + 1;
    } else {
        colon = strrchr(listen, ':');
        if (colon == NULL)
            return -1;
        snprintf(host, hlen, "%.*s", (int)(colon - listen), listen);
    }
    snprintf(port, plen, "%s", colon + 1);
    if (port[0] == '\0' || strspn(port, "0123456789") != strlen(port))
        return -1;
    return 0;
}

static int start_listener(struct server *srv, char *bound, size_t blen)
{
    char host[256], port[16];
    if (split_listen(srv->cfg.listen, host, sizeof(host), port, sizeof(port)) < 0) {
        log_error("server", "listen: expected HOST:PORT, got '%s'", srv->cfg.listen);
        return -1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (gai != 0) {
        log_error("server", "listen %s: %s", srv->cfg.listen, gai_strerror(gai));
        return -1;
    }
    srv->listener =
        evconnlistener_new_bind(srv->base, on_accept, srv,
                                LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
                                -1, res->ai_addr, (int)res->ai_addrlen);
    freeaddrinfo(res);
    if (srv->listener == NULL) {
        log_error("server", "cannot listen on %s: %s", srv->cfg.listen, strerror(errno));
        return -1;
    }
    evconnlistener_set_error_cb(srv->listener, on_accept_error);

    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char ip[INET6_ADDRSTRLEN + 2] = "";
    char sport[16] = "";
    if (getsockname(evconnlistener_get_fd(srv->listener), (struct sockaddr *)&ss, &sl) != 0 ||
        getnameinfo((struct sockaddr *)&ss, sl, ip, sizeof(ip), sport, sizeof(sport),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        log_error("server", "getsockname: %s", strerror(errno));
        return -1;
    }
    if (ss.ss_family == AF_INET6)
        snprintf(bound, blen, "[%s]:%s", ip, sport);
    else
        snprintf(bound, blen, "%s:%s", ip, sport);
    return 0;
}

/* "unable to open database file" says little: name a read-only store when it is one. */
static const char *read_only_reason(const char *db)
{
    struct statvfs fs;
    if (statvfs(db, &fs) == 0 && (fs.f_flag & ST_RDONLY))
        return "the file system holding it is mounted read-only";
    if (access(db, W_OK) != 0)
        return "the store file is read-only (no write permission)";
    char dir[CONFIG_PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", db);
    if (access(dirname(dir), W_OK) != 0)
        return "its directory is read-only, so SQLite cannot create the -wal and -shm files";
    return NULL;
}

static int open_store(struct server *srv)
{
    const char *file = deepwell_location_file(srv->cfg.db); /* NULL: a shared store */
    if (file != NULL && access(file, F_OK) != 0) {
        log_error("server", "no such store: %s: run deepwell init --db %s", srv->cfg.db,
                  srv->cfg.db);
        vis_fprintf(stderr, VIS_LINE, "scipnet-server: no such store: %s: run deepwell init\n",
                    srv->cfg.db);
        return -1;
    }
    struct deepwell_options opts = {0};
    opts.path = srv->cfg.db;
    opts.readers = srv->cfg.readers;
    opts.checkout_timeout_ms = srv->cfg.checkout_timeout_ms;
    opts.busy_timeout_ms = srv->cfg.busy_timeout_ms;
    opts.synchronous = srv->cfg.synchronous[0] ? srv->cfg.synchronous : NULL;
    deepwell_options_defaults(&opts);
    opts.create = false;
    opts.migrate = true;
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_open(&opts, &srv->dw, &err);
    if (rc != DW_OK) {
        const char *why = file != NULL ? read_only_reason(file) : NULL;
        log_error("server", "cannot open store %s: %s: %s%s%s", srv->cfg.db, deepwell_code_name(rc),
                  err.message, why ? ": " : "", why ? why : "");
        vis_fprintf(stderr, VIS_LINE, "scipnet-server: cannot open store %s: %s%s%s\n", srv->cfg.db,
                    err.message, why ? ": " : "", why ? why : "");
        return -1;
    }
    return 0;
}

static int setup_tls(struct server *srv, char fp[TLS_FINGERPRINT_HEX])
{
    if ((srv->cfg.cert[0] != '\0') != (srv->cfg.key[0] != '\0')) {
        log_error("server", "--cert and --key go together");
        return -1;
    }
    if (srv->cfg.cert[0] != '\0') {
        snprintf(srv->cert_path, sizeof(srv->cert_path), "%s", srv->cfg.cert);
        snprintf(srv->key_path, sizeof(srv->key_path), "%s", srv->cfg.key);
    } else if (deepwell_location_file(srv->cfg.db) == NULL) {
        /* Each server of a shared store keeps its own certificate: say where. */
        log_error("server", "a postgresql:// store needs --cert FILE --key FILE");
        fprintf(stderr, "scipnet-server: a postgresql:// store needs --cert FILE --key FILE\n");
        return -1;
    } else {
        const char *file = deepwell_location_file(srv->cfg.db);
        int a = snprintf(srv->cert_path, sizeof(srv->cert_path), "%s.cert.pem", file);
        int b = snprintf(srv->key_path, sizeof(srv->key_path), "%s.key.pem", file);
        if (a < 0 || b < 0 || (size_t)a >= sizeof(srv->cert_path) ||
            (size_t)b >= sizeof(srv->key_path)) {
            log_error("server", "database path too long");
            return -1;
        }
        if (tls_ensure_self_signed(srv->cert_path, srv->key_path) < 0)
            return -1;
    }
    srv->tls = tls_context_new(srv->cert_path, srv->key_path);
    if (srv->tls == NULL || tls_fingerprint(srv->tls, fp) < 0)
        return -1;
    return 0;
}

/*
 * Signed checkpoints of the audit log, with a key beside the TLS key: refuses to
 * start on a log shorter than (or different from) this server's newest seal.
 */
static int start_sealing(struct server *srv)
{
    struct deepwell_seal_paths paths;
    struct deepwell_seal_options opts = {.paths = &paths,
                                         .rows = srv->cfg.audit_seal_rows,
                                         .interval_s = srv->cfg.audit_seal_interval_s};
    struct deepwell_error err = {0};
    enum deepwell_code rc = deepwell_seal_paths_for(srv->key_path, &paths, &err);
    if (rc == DW_OK)
        rc = deepwell_audit_seal_start(srv->dw, &opts, &err);
    if (rc != DW_OK) {
        log_error("server", "refusing to start: %s", err.message);
        fprintf(stderr, "scipnet-server: refusing to start: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int add_signal(struct server *srv, struct event **ev, int sig,
                      void (*cb)(evutil_socket_t, short, void *))
{
    *ev = evsignal_new(srv->base, sig, cb, srv);
    return *ev != NULL && evsignal_add(*ev, NULL) == 0 ? 0 : -1;
}

static void teardown(struct server *srv)
{
    if (srv->listener != NULL)
        evconnlistener_free(srv->listener);
    while (srv->conns != NULL)
        conn_close(srv->conns);
    /*
     * Workers finish what they hold; their results land in the mailbox.  A login
     * passes between the two pools, so neither is stopped while a request may still
     * move to it.
     */
    while (__atomic_load_n(&srv->busy, __ATOMIC_ACQUIRE) > 0) {
        struct timespec tick = {0, 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    workq_drain_and_free(srv->search_q);
    workq_drain_and_free(srv->store_q);
    workq_drain_and_free(srv->hash_q);
    throttle_refusals_stop(srv); /* their summary rows, before the log closes */
    /* Flushes the audit log: every queued row is committed before we exit. */
    if (srv->dw != NULL)
        deepwell_close(srv->dw);
    if (srv->done != NULL) {
        struct job *job = mailbox_take_all(srv->done);
        while (job != NULL) {
            struct job *next = job->next;
            conn_deliver((struct request *)job); /* the conn is closed: just frees */
            job = next;
        }
        mailbox_free(srv->done);
    }
    struct event *evs[] = {srv->sig_term,    srv->sig_int,      srv->sig_hup,
                           srv->grace_timer, srv->accept_pause, srv->watchdog};
    for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
        if (evs[i] != NULL)
            event_free(evs[i]);
    view_cache_free(srv->view_cache);
    addr_limit_free(srv->per_addr);
    session_rate_free(srv->session_rate);
    if (srv->tls != NULL)
        SSL_CTX_free(srv->tls);
    if (srv->base != NULL)
        event_base_free(srv->base);
}

int server_run(const struct scipnet_config *cfg)
{
    struct server *srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        return 1;
    srv->cfg = *cfg;
    srv->pwlimits.opslimit = cfg->argon2_opslimit;
    srv->pwlimits.memlimit = (size_t)cfg->argon2_memlimit_kib * 1024;
    srv->started_mono_ms = time_mono_ms();
    signal(SIGPIPE, SIG_IGN);
    keep_heap_mapped();

    int status = 1;
    char fp[TLS_FINGERPRINT_HEX] = "", bound[300] = "";
    if (evthread_use_pthreads() != 0) {
        log_error("server", "libevent without pthreads support");
        goto out;
    }
    if (open_store(srv) < 0 || setup_tls(srv, fp) < 0 || start_sealing(srv) < 0 ||
        throttle_refusals_start(srv) < 0 || pwtiming_init(srv->dw, &srv->pwlimits) < 0)
        goto out;
    srv->base = new_event_base();
    if (srv->base == NULL)
        goto out;
    srv->done = mailbox_new(srv->base, deliver_done, srv);
    srv->view_cache = view_cache_new(); /* optional: without it every read renders */
    srv->per_addr = sodium_init() >= 0 ? addr_limit_new() : NULL;
    srv->session_rate =
        session_rate_new(cfg->session_rate, cfg->session_burst, SESSION_RATE_ENTRIES);
    if (srv->per_addr == NULL || srv->session_rate == NULL)
        goto out;
    int workers = cfg->workers > 0 ? cfg->workers : default_store_workers(cfg->db);
    bool sqlite = deepwell_location_file(cfg->db) != NULL;
    srv->store_q = workq_new(workers, "store", 0, sqlite ? STORE_STANDBY_US : 0);
    /*
     * Hashing runs below everything else: a read (a few hundred microseconds) takes
     * the core from an argon2 pass when it needs it, so a login storm costs reads
     * little latency and logins almost no throughput.
     */
    srv->hash_q = workq_new_fair(cfg->hash_concurrency > 0 ? cfg->hash_concurrency : 2, "hash",
                                 HASH_THREAD_NICE);
    /*
     * A search is milliseconds of CPU where a read is tens of microseconds: on the store
     * workers (one at a time on SQLite, the others on standby) searches queued behind
     * each other and every read behind them.  Their own workers, one per core, keep the
     * cores busy with searches while reads go on.
     */
    srv->search_q = workq_new(default_search_workers(), "search", 0, 0);
    if (srv->done == NULL || srv->store_q == NULL || srv->hash_q == NULL || srv->search_q == NULL)
        goto out;
    if (add_signal(srv, &srv->sig_term, SIGTERM, on_stop_signal) < 0 ||
        add_signal(srv, &srv->sig_int, SIGINT, on_stop_signal) < 0 ||
        add_signal(srv, &srv->sig_hup, SIGHUP, on_hup) < 0)
        goto out;
    if (start_listener(srv, bound, sizeof(bound)) < 0)
        goto out;

    printf("listening on %s\nfingerprint sha256:%s\n", bound, fp);
    fflush(stdout);
    notify_state("READY=1\nSTATUS=listening on %s", bound);
    if (start_watchdog(srv) < 0) {
        log_error("server", "cannot start the systemd watchdog timer");
        goto out;
    }
    log_notice("server", "listening on %s (store %s, %d workers, %d hashing)", bound, cfg->db,
               workers, cfg->hash_concurrency);
    if (event_base_dispatch(srv->base) < 0)
        log_error("server", "event loop failed");
    else
        status = 0;
    log_notice("server", "stopped");
out:
    teardown(srv);
    free(srv);
    return status;
}
