/* op_health.c - "health": liveness for operators and load balancers (no token). */
#include "common/log.h"
#include "common/timeutil.h"
#include "server/ops.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"

static void op_health(struct request *req)
{
    struct server *srv = req->srv;
    struct deepwell_error err;
    bool db_ok = deepwell_ping(srv->dw, &err) == DW_OK;
    if (!db_ok)
        log_warning("health", "store ping failed: %s", err.message);

    int64_t sessions = 0;
    int64_t idle_cutoff = req->now_ms - (int64_t)srv->cfg.session_idle_s * 1000;
    if (db_ok &&
        deepwell_session_count_live(srv->dw, req->now_ms, idle_cutoff, &sessions, &err) != DW_OK) {
        log_warning("health", "session count failed: %s", err.message);
        db_ok = false;
    }
    struct deepwell_pool_stats pool;
    deepwell_pool_stats(srv->dw, &pool);

    int connections = __atomic_load_n(&srv->nconns, __ATOMIC_RELAXED);
    json_t *body = json_pack(
        "{s:s, s:I, s:i, s:I, s:{s:b, s:{s:i, s:i, s:I, s:I, s:I, s:I, s:I}}}", "status",
        db_ok ? "ok" : "degraded", "uptime_s",
        (json_int_t)((time_mono_ms() - srv->started_mono_ms) / 1000), "connections", connections,
        "sessions", (json_int_t)sessions, "db", "ok", db_ok, "pool", "size", pool.size, "in_use",
        pool.in_use, "checkouts", (json_int_t)pool.checkouts, "waits", (json_int_t)pool.waits,
        "timeouts", (json_int_t)pool.timeouts, "replaced", (json_int_t)pool.replaced, "round_trips",
        (json_int_t)pool.round_trips);
    json_t *wal =
        json_pack("{s:i, s:I, s:I, s:I}", "pages", pool.wal_pages, "checkpoints",
                  (json_int_t)pool.checkpoints, "restarts", (json_int_t)pool.checkpoint_restarts,
                  "failures", (json_int_t)pool.checkpoint_failures);
    if (!shape_set(json_object_get(body, "db"), "wal", wal)) {
        json_decref(body);
        body = NULL; /* request_ok answers internal */
    }
    request_ok(req, body);
}

const struct op op_health_entry = {
    .name = "health",
    .stages = {{OP_STORE, op_health}},
};
