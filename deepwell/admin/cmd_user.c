/*
 * cmd_user.c - `deepwell user ...`: add users, set passwords and clearances,
 * disable and enable accounts, list them.  Passwords come only from stdin, so
 * they never show in `ps` or shell history, and never reach the audit log.
 */
#include "deepwell/admin/admin.h"
#include "common/integer.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/foundation.h"
#include "deepwell/password.h"

static const char usage_add[] = "deepwell user add NAME --clearance N --title TITLE [--site ID] "
                                "[--task-force ID] --password-stdin";
static const char usage_passwd[] = "deepwell user passwd NAME --password-stdin";
static const char usage_clearance[] = "deepwell user set-clearance NAME N";
static const char usage_disable[] = "deepwell user disable NAME";
static const char usage_enable[] = "deepwell user enable NAME";
static const char usage_list[] = "deepwell user list";

/* ---- shared checks -------------------------------------------------------------------- */

/*
 * Letters, digits, '.', '_' and '-', not only digits: login takes a name or a
 * numeric id, so an all-digit name would be ambiguous.
 */
static int check_user_name(const char *name)
{
    size_t len = strlen(name);
    bool charset_ok = len > 0 && len < DEEPWELL_NAME_MAX;
    for (size_t i = 0; charset_ok && i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        charset_ok = isalnum(c) || c == '.' || c == '_' || c == '-';
    }
    if (!charset_ok || foundation_name_is_id(name))
        return admin_fail("bad user name '%s': use 1-%d letters, digits, '.', '_' or '-', "
                          "not only digits",
                          name, DEEPWELL_NAME_MAX - 1);
    return ADMIN_OK;
}

static int parse_clearance(const char *text, int *out)
{
    int64_t level;
    if (!integer_parse(text, FOUNDATION_LEVEL_MIN, FOUNDATION_LEVEL_MAX, &level))
        return admin_fail("bad clearance '%s': expected a level from %d to %d", text,
                          FOUNDATION_LEVEL_MIN, FOUNDATION_LEVEL_MAX);
    *out = (int)level;
    return ADMIN_OK;
}

static int parse_title(const char *text, const char **out)
{
    *out = foundation_title_canonical(text);
    if (*out != NULL)
        return ADMIN_OK;
    size_t count = 0;
    const char *const *titles = foundation_titles(&count);
    char known[512] = "";
    for (size_t i = 0; i < count; i++) {
        size_t used = strlen(known);
        snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "", titles[i]);
    }
    return admin_fail("unknown title '%s' (titles: %s)", text, known);
}

/* "19" or "SITE-19" (kind REF_SITE), "3" or "MTF-3" (REF_MTF). */
static int parse_ref_id(const char *text, enum foundation_ref_kind kind, const char *what,
                        int64_t *out)
{
    struct foundation_ref ref;
    if (integer_parse(text, 1, INT64_MAX, out))
        return ADMIN_OK;
    if (foundation_ref_parse(text, &ref) && ref.kind == kind) {
        *out = ref.number;
        return ADMIN_OK;
    }
    return admin_fail("bad %s '%s': expected an id like %s-1 or 1", what, text,
                      kind == REF_SITE ? "SITE" : "MTF");
}

static int find_user(struct deepwell *dw, const char *name, struct deepwell_user *out)
{
    struct deepwell_error err = {0};
    enum deepwell_code rc = deepwell_user_find(dw, name, 0, out, &err);
    if (rc == DW_NOT_FOUND)
        return admin_fail("no such user: %s", name);
    if (rc != DW_OK)
        return admin_fail_store("cannot look up the user", &err);
    return ADMIN_OK;
}

static int check_site_exists(struct deepwell *dw, int64_t id)
{
    struct deepwell_site site = {0};
    struct deepwell_error err = {0};
    enum deepwell_code rc = deepwell_site_get(dw, id, &site, &err);
    if (rc == DW_OK)
        deepwell_site_free(&site);
    if (rc == DW_NOT_FOUND)
        return admin_fail("no such site: SITE-%lld", (long long)id);
    return rc == DW_OK ? ADMIN_OK : admin_fail_store("cannot look up the site", &err);
}

static int check_task_force_exists(struct deepwell *dw, int64_t id)
{
    struct deepwell_mtf mtf = {0};
    struct deepwell_error err = {0};
    enum deepwell_code rc = deepwell_mtf_get(dw, id, &mtf, &err);
    if (rc == DW_OK)
        deepwell_mtf_free(&mtf);
    if (rc == DW_NOT_FOUND)
        return admin_fail("no such task force: MTF-%lld", (long long)id);
    return rc == DW_OK ? ADMIN_OK : admin_fail_store("cannot look up the task force", &err);
}

/*
 * Reads the password from stdin, checks it against the server's policy and hashes
 * it; the clear text is wiped at once.
 */
static int read_password_hash(const struct admin_ctx *ctx, char hash[DEEPWELL_HASH_MAX])
{
    char password[DEEPWELL_PASSWORD_MAX + 1];
    if (admin_read_password(password, sizeof(password)) != ADMIN_OK)
        return ADMIN_FAILED;
    const char *weak = deepwell_password_policy_error(password);
    if (weak != NULL) {
        admin_wipe(password, sizeof(password));
        return admin_fail("%s", weak);
    }
    struct deepwell_pwhash_limits limits;
    admin_pwhash_limits(ctx, &limits);
    int rc = deepwell_password_hash(password, &limits, hash);
    admin_wipe(password, sizeof(password));
    if (rc != 0)
        return admin_fail("cannot hash the password (out of memory at argon2_memlimit_kib=%llu?)",
                          ctx->cfg.argon2_memlimit_kib);
    return ADMIN_OK;
}

/* ---- user add ------------------------------------------------------------------------ */

struct new_user_args {
    const char *name, *title;
    int clearance;
    int64_t site_id, task_force_id;
};

static int parse_add(int argc, char **argv, struct new_user_args *out)
{
    const char *name = NULL, *clearance = NULL, *title = NULL, *site = NULL, *tf = NULL;
    bool password_stdin = false;
    const struct admin_option opts[] = {
        {"--clearance", &clearance, NULL},
        {"--title", &title, NULL},
        {"--site", &site, NULL},
        {"--task-force", &tf, NULL},
        {"--password-stdin", NULL, &password_stdin},
    };
    int rc = admin_parse_args(argc, argv, 1, opts, sizeof(opts) / sizeof(opts[0]), &name, 1, 1,
                              NULL, usage_add);
    if (rc != ADMIN_OK)
        return rc;
    if (clearance == NULL || title == NULL)
        return admin_usage_error(usage_add, "--clearance and --title are required");
    if (!password_stdin)
        return admin_usage_error(usage_add, "--password-stdin is required (passwords are never "
                                            "taken as arguments)");
    *out = (struct new_user_args){.name = name};
    if (check_user_name(name) != ADMIN_OK ||
        parse_clearance(clearance, &out->clearance) != ADMIN_OK ||
        parse_title(title, &out->title) != ADMIN_OK)
        return ADMIN_FAILED;
    if (site != NULL && parse_ref_id(site, REF_SITE, "site", &out->site_id) != ADMIN_OK)
        return ADMIN_FAILED;
    if (tf != NULL && parse_ref_id(tf, REF_MTF, "task force", &out->task_force_id) != ADMIN_OK)
        return ADMIN_FAILED;
    return ADMIN_OK;
}

/* Everything that can be checked before the user is written, so a refusal changes nothing. */
static int check_add(struct deepwell *dw, const struct new_user_args *args)
{
    struct deepwell_user existing;
    struct deepwell_error err = {0};
    enum deepwell_code rc = deepwell_user_find(dw, args->name, 0, &existing, &err);
    if (rc == DW_OK)
        return admin_fail("user '%s' already exists (USER-%lld)", existing.name,
                          (long long)existing.id);
    if (rc != DW_NOT_FOUND)
        return admin_fail_store("cannot look up the user", &err);
    if (args->site_id != 0 && check_site_exists(dw, args->site_id) != ADMIN_OK)
        return ADMIN_FAILED;
    if (args->task_force_id != 0 && check_task_force_exists(dw, args->task_force_id) != ADMIN_OK)
        return ADMIN_FAILED;
    return ADMIN_OK;
}

static int add_user(const struct admin_ctx *ctx, struct deepwell *dw,
                    const struct new_user_args *args)
{
    char hash[DEEPWELL_HASH_MAX];
    if (check_add(dw, args) != ADMIN_OK || read_password_hash(ctx, hash) != ADMIN_OK)
        return ADMIN_FAILED;
    struct deepwell_user_new user = {
        .name = args->name,
        .password_hash = hash,
        .clearance = args->clearance,
        .title = args->title,
        .site_id = args->site_id,
        .task_force_id = args->task_force_id,
        .active = true,
        .personnel_active = true,
    };
    int64_t id = 0;
    struct deepwell_error err = {0};
    enum deepwell_code rc = deepwell_user_add(dw, &user, &id, &err);
    if (rc == DW_CONFLICT)
        return admin_fail("user '%s' already exists", args->name);
    if (rc != DW_OK)
        return admin_fail_store("cannot add the user", &err);

    json_t *details = json_pack("{s:s, s:I, s:i, s:s}", "user", args->name, "user_id",
                                (json_int_t)id, "clearance", args->clearance, "title", args->title);
    if (details != NULL && args->site_id != 0)
        json_object_set_new(details, "site_id", json_integer(args->site_id));
    if (details != NULL && args->task_force_id != 0)
        json_object_set_new(details, "task_force_id", json_integer(args->task_force_id));
    if (admin_audit(dw, "admin.user.add", DW_SEV_NOTICE, details) != ADMIN_OK)
        return ADMIN_FAILED;
    vis_fprintf(stdout, VIS_LINE, "added user %s (USER-%lld): clearance %d, %s\n", args->name,
                (long long)id, args->clearance, args->title);
    return ADMIN_OK;
}

static int run_add(struct admin_ctx *ctx, int argc, char **argv)
{
    struct new_user_args args;
    int rc = parse_add(argc, argv, &args);
    if (rc != ADMIN_OK)
        return rc;
    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_EXISTING, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    rc = add_user(ctx, dw, &args);
    deepwell_close(dw);
    return rc;
}

/* ---- user passwd ---------------------------------------------------------------------- */

static int change_password(const struct admin_ctx *ctx, struct deepwell *dw, const char *name)
{
    struct deepwell_user user;
    char hash[DEEPWELL_HASH_MAX];
    if (find_user(dw, name, &user) != ADMIN_OK || read_password_hash(ctx, hash) != ADMIN_OK)
        return ADMIN_FAILED;
    struct deepwell_error err = {0};
    if (deepwell_user_set_password(dw, user.id, hash, &err) != DW_OK)
        return admin_fail_store("cannot set the password", &err);
    /* A new password is how an operator lets a locked-out or disabled user back in. */
    if (!user.active && deepwell_user_set_active(dw, user.id, true, &err) != DW_OK)
        return admin_fail_store("password set, but cannot enable the account", &err);
    json_t *details = json_pack("{s:s, s:I, s:b}", "user", user.name, "user_id",
                                (json_int_t)user.id, "reenabled", !user.active);
    if (admin_audit(dw, "admin.user.passwd", DW_SEV_NOTICE, details) != ADMIN_OK)
        return ADMIN_FAILED;
    vis_fprintf(stdout, VIS_LINE, "password changed for %s%s\n", user.name,
                user.active ? "" : " (account enabled)");
    return ADMIN_OK;
}

static int run_passwd(struct admin_ctx *ctx, int argc, char **argv)
{
    const char *name = NULL;
    bool password_stdin = false;
    const struct admin_option opts[] = {{"--password-stdin", NULL, &password_stdin}};
    int rc = admin_parse_args(argc, argv, 1, opts, 1, &name, 1, 1, NULL, usage_passwd);
    if (rc != ADMIN_OK)
        return rc;
    if (!password_stdin)
        return admin_usage_error(usage_passwd, "--password-stdin is required (passwords are "
                                               "never taken as arguments)");
    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_EXISTING, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    rc = change_password(ctx, dw, name);
    deepwell_close(dw);
    return rc;
}

/* ---- user set-clearance ---------------------------------------------------------------- */

static int set_clearance(struct deepwell *dw, const char *name, int level)
{
    struct deepwell_user user;
    if (find_user(dw, name, &user) != ADMIN_OK)
        return ADMIN_FAILED;
    if (user.clearance == level) {
        vis_fprintf(stdout, VIS_LINE, "%s already has clearance %d; nothing changed\n", user.name,
                    level);
        return ADMIN_OK;
    }
    struct deepwell_error err = {0};
    if (deepwell_user_set_clearance(dw, user.id, level, &err) != DW_OK)
        return admin_fail_store("cannot set the clearance", &err);
    json_t *details =
        json_pack("{s:s, s:I, s:i, s:i}", "user", user.name, "user_id", (json_int_t)user.id,
                  "old_clearance", user.clearance, "new_clearance", level);
    if (admin_audit(dw, "admin.user.set_clearance", DW_SEV_WARNING, details) != ADMIN_OK)
        return ADMIN_FAILED;
    vis_fprintf(stdout, VIS_LINE, "%s: clearance %d -> %d (%s); sessions ended\n", user.name,
                user.clearance, level, foundation_level(level)->full_name);
    return ADMIN_OK;
}

static int run_set_clearance(struct admin_ctx *ctx, int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    int rc = admin_parse_args(argc, argv, 1, NULL, 0, pos, 2, 2, NULL, usage_clearance);
    if (rc != ADMIN_OK)
        return rc;
    int level = 0;
    if (parse_clearance(pos[1], &level) != ADMIN_OK)
        return ADMIN_FAILED;
    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_EXISTING, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    rc = set_clearance(dw, pos[0], level);
    deepwell_close(dw);
    return rc;
}

/* ---- user disable / enable -------------------------------------------------------------- */

static int set_active(struct deepwell *dw, const char *name, bool active)
{
    struct deepwell_user user;
    if (find_user(dw, name, &user) != ADMIN_OK)
        return ADMIN_FAILED;
    const char *state = active ? "enabled" : "disabled";
    if (user.active == active) {
        vis_fprintf(stdout, VIS_LINE, "%s is already %s; nothing changed\n", user.name, state);
        return ADMIN_OK;
    }
    struct deepwell_error err = {0};
    if (deepwell_user_set_active(dw, user.id, active, &err) != DW_OK)
        return admin_fail_store(active ? "cannot enable the user" : "cannot disable the user",
                                &err);
    json_t *details = json_pack("{s:s, s:I}", "user", user.name, "user_id", (json_int_t)user.id);
    if (admin_audit(dw, active ? "admin.user.enable" : "admin.user.disable", DW_SEV_NOTICE,
                    details) != ADMIN_OK)
        return ADMIN_FAILED;
    vis_fprintf(stdout, VIS_LINE, "%s %s%s\n", user.name, state, active ? "" : "; sessions ended");
    return ADMIN_OK;
}

static int run_active(struct admin_ctx *ctx, int argc, char **argv, bool active)
{
    const char *name = NULL;
    int rc = admin_parse_args(argc, argv, 1, NULL, 0, &name, 1, 1, NULL,
                              active ? usage_enable : usage_disable);
    if (rc != ADMIN_OK)
        return rc;
    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_EXISTING, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    rc = set_active(dw, name, active);
    deepwell_close(dw);
    return rc;
}

static int run_disable(struct admin_ctx *ctx, int argc, char **argv)
{
    return run_active(ctx, argc, argv, false);
}

static int run_enable(struct admin_ctx *ctx, int argc, char **argv)
{
    return run_active(ctx, argc, argv, true);
}

/* ---- user list ------------------------------------------------------------------------ */

#define LIST_PAGE 200

/* Every user, in id order, with the details the list op does not carry. */
static int load_users(struct deepwell *dw, struct deepwell_user **out, size_t *count)
{
    struct deepwell_user *users = NULL;
    size_t n = 0;
    struct deepwell_error err = {0};
    for (int offset = 0;;) {
        struct deepwell_list_query q = {
            .kind = DW_KIND_USER, .title_max_level = 6, .offset = offset, .limit = LIST_PAGE};
        struct deepwell_list page = {0};
        if (deepwell_list(dw, &q, &page, &err) != DW_OK) {
            free(users);
            return admin_fail_store("cannot list users", &err);
        }
        struct deepwell_user *grown =
            page.count ? realloc(users, (n + page.count) * sizeof(*users)) : users;
        if (page.count && grown == NULL) {
            deepwell_list_free(&page);
            free(users);
            return admin_fail("cannot list users: out of memory");
        }
        users = grown;
        for (size_t i = 0; i < page.count; i++) {
            if (deepwell_user_find(dw, NULL, page.items[i].id, &users[n], &err) == DW_OK)
                n++;
            else if (err.code != DW_NOT_FOUND) { /* deleted meanwhile: skip it */
                deepwell_list_free(&page);
                free(users);
                return admin_fail_store("cannot read a user", &err);
            }
        }
        size_t got = page.count;
        int64_t total = page.total;
        deepwell_list_free(&page);
        offset += (int)got;
        if (got == 0 || offset >= total)
            break;
    }
    *out = users;
    *count = n;
    return ADMIN_OK;
}

/* A field as shown: escaped, so a column is as wide as what the terminal prints. */
static const char *shown(const char *field, char *buf, size_t size)
{
    vis_encode(buf, size, field, strlen(field), 0);
    return buf;
}

static int column_width(const struct deepwell_user *users, size_t n, size_t field_offset,
                        const char *header)
{
    size_t width = strlen(header);
    for (size_t i = 0; i < n; i++) {
        const char *field = (const char *)&users[i] + field_offset;
        size_t len = vis_encode(NULL, 0, field, strlen(field), 0);
        if (len > width)
            width = len;
    }
    return (int)width;
}

static void print_users(const struct deepwell_user *users, size_t n)
{
    int name_w = column_width(users, n, offsetof(struct deepwell_user, name), "NAME");
    int title_w = column_width(users, n, offsetof(struct deepwell_user, title), "TITLE");
    int site_w = column_width(users, n, offsetof(struct deepwell_user, site_name), "SITE");
    vis_fprintf(stdout, VIS_LINE, "%-6s %-*s %-9s %-*s %-*s %-6s %s\n", "ID", name_w, "NAME",
                "CLEARANCE", title_w, "TITLE", site_w, "SITE", "ACTIVE", "LAST LOGIN");
    for (size_t i = 0; i < n; i++) {
        const struct deepwell_user *u = &users[i];
        char name[VIS_SIZE(sizeof(u->name))], title[VIS_SIZE(sizeof(u->title))],
            site[VIS_SIZE(sizeof(u->site_name))];
        vis_fprintf(stdout, VIS_LINE, "%-6lld %-*s %-9d %-*s %-*s %-6s %s\n", (long long)u->id,
                    name_w, shown(u->name, name, sizeof(name)), u->clearance, title_w,
                    shown(u->title, title, sizeof(title)), site_w,
                    u->site_name[0] ? shown(u->site_name, site, sizeof(site)) : "-",
                    u->active ? "yes" : "no", u->last_login[0] ? u->last_login : "never");
    }
}

static int run_list(struct admin_ctx *ctx, int argc, char **argv)
{
    int rc = admin_parse_args(argc, argv, 1, NULL, 0, NULL, 0, 0, NULL, usage_list);
    if (rc != ADMIN_OK)
        return rc;
    struct deepwell *dw = NULL;
    if (admin_open_store(ctx, ADMIN_OPEN_EXISTING, &dw) != ADMIN_OK)
        return ADMIN_FAILED;
    struct deepwell_user *users = NULL;
    size_t n = 0;
    rc = load_users(dw, &users, &n);
    deepwell_close(dw);
    if (rc != ADMIN_OK)
        return rc;
    print_users(users, n);
    free(users);
    return ADMIN_OK;
}

/* ---- dispatch ------------------------------------------------------------------------- */

struct user_subcommand {
    const char *name;
    int (*run)(struct admin_ctx *ctx, int argc, char **argv);
};

static const struct user_subcommand subcommands[] = {
    {"add", run_add},         {"passwd", run_passwd}, {"set-clearance", run_set_clearance},
    {"disable", run_disable}, {"enable", run_enable}, {"list", run_list},
};

static const char usage[] = "deepwell user add NAME --clearance N --title TITLE [--site ID] "
                            "[--task-force ID] --password-stdin\n"
                            "deepwell user passwd NAME --password-stdin\n"
                            "deepwell user set-clearance NAME N\n"
                            "deepwell user disable NAME\n"
                            "deepwell user enable NAME\n"
                            "deepwell user list";

static int run_user(struct admin_ctx *ctx, int argc, char **argv)
{
    if (argc < 2)
        return admin_usage_error("deepwell user add|passwd|set-clearance|disable|enable|list",
                                 "missing subcommand");
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(ctx, argc - 1, argv + 1);
    return admin_usage_error("deepwell user add|passwd|set-clearance|disable|enable|list",
                             "unknown subcommand '%s'", argv[1]);
}

const struct admin_command admin_cmd_user = {
    .name = "user",
    .summary = "add users, set passwords and clearances, disable, enable and list them",
    .usage = usage,
    .run = run_user,
};
