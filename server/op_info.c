/*
 * op_info.c - "info": what a clearance level or a class means, as the store describes
 * it (descriptions come from the original's descs/ by `deepwell import`).
 *
 * The topic is "LEVEL 4", a level's name ("Top Secret") or a class's ("Keter"), in any
 * case.  Who may read which is clearance.c's (clearance_info); passages marked above
 * the reader inside a description are cut (redact.c).  Every answer is audited.
 */
#include "common/foundation.h"
#include "server/clearance.h"
#include "server/ops.h"
#include "server/redact.h"
#include "server/request.h"
#include "server/server.h"
#include "server/shapes.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TOPIC_MAX 64

struct topic {
    enum deepwell_info_kind kind;
    const char *kind_name;
    int id;    /* level, or the class's id */
    int level; /* the level described, 0 for a class */
};

/* "LEVEL 4" / "level4" -> 4; 0 when text is not that. */
static int level_number(const char *text)
{
    if (strncasecmp(text, "level", 5) != 0)
        return 0;
    const char *p = text + 5;
    while (*p == ' ')
        p++;
    if (*p < '1' || *p > '0' + FOUNDATION_LEVEL_MAX || p[1] != '\0')
        return 0;
    return *p - '0';
}

static bool parse_topic(const char *text, struct topic *out)
{
    int level = level_number(text);
    for (int l = FOUNDATION_LEVEL_MIN; level == 0 && l <= FOUNDATION_LEVEL_MAX; l++)
        if (strcasecmp(foundation_level(l)->name, text) == 0)
            level = l;
    if (level != 0) {
        *out = (struct topic){DW_INFO_LEVEL, "level", level, level};
        return true;
    }
    static const struct {
        enum foundation_class_kind kind;
        enum deepwell_info_kind info;
        const char *name;
    } classes[] = {
        {FOUNDATION_CONTAINMENT, DW_INFO_CONTAINMENT, "containment"},
        {FOUNDATION_SECONDARY, DW_INFO_SECONDARY, "secondary"},
        {FOUNDATION_DISRUPTION, DW_INFO_DISRUPTION, "disruption"},
        {FOUNDATION_RISK, DW_INFO_RISK, "risk"},
    };
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        const struct foundation_class *c = foundation_class_by_name(classes[i].kind, text);
        if (c != NULL) {
            *out = (struct topic){classes[i].info, classes[i].name, c->id, 0};
            return true;
        }
    }
    return false;
}

/* The topic without surrounding blanks, or false when it is not a short plain string. */
static bool topic_text(json_t *jtopic, char *out, size_t size)
{
    if (!json_is_string(jtopic) || json_string_length(jtopic) >= size ||
        strlen(json_string_value(jtopic)) != json_string_length(jtopic))
        return false;
    const char *t = json_string_value(jtopic);
    while (*t == ' ')
        t++;
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < n; i++)
        if (iscntrl((unsigned char)t[i]))
            return false;
    memcpy(out, t, n);
    out[n] = '\0';
    return n > 0;
}

static void op_info(struct request *req)
{
    char text[TOPIC_MAX];
    struct topic topic;
    if (!topic_text(json_object_get(req->args, "topic"), text, sizeof(text)) ||
        !parse_topic(text, &topic)) {
        request_audit(req, req->user.id, DW_OUTCOME_FAILURE, DW_SEV_INFO,
                      json_pack("{s:s}", "result", "unknown"));
        request_fail(req, "bad_request",
                     "topic must be LEVEL 1 to LEVEL 6, a level's name or a class's name");
        return;
    }
    struct reader r = request_reader(req);
    int needed = clearance_info(&r, topic.level);
    if (needed != 0) {
        request_audit(req, req->user.id, DW_OUTCOME_DENIED, DW_SEV_NOTICE,
                      json_pack("{s:s, s:i, s:s}", "kind", topic.kind_name, "id", topic.id,
                                "result", "denied"));
        request_fail_with(req, "clearance_denied", "your clearance is too low", "screen",
                          screen_clearance_denied(needed, r.level));
        return;
    }
    struct deepwell_info info;
    struct deepwell_error err;
    enum deepwell_code rc = deepwell_info_get(req->srv->dw, topic.kind, topic.id, &info, &err);
    if (rc != DW_OK) {
        request_store_error(req, "info.get", &err);
        return;
    }
    /* Passages marked above the reader are cut, as in any file. */
    json_t *description = redact_string_cleared(&r, info.description ? info.description : "");
    json_t *body = description == NULL
                       ? NULL
                       : json_pack("{s:{s:s, s:s, s:s, s:o, s:o}}", "info", "kind", topic.kind_name,
                                   "name", info.name, "colour", info.colour, "level",
                                   topic.level ? json_integer(topic.level) : json_null(),
                                   "description", description);
    request_audit(req, req->user.id, DW_OUTCOME_SUCCESS, DW_SEV_INFO,
                  json_pack("{s:s, s:s, s:s}", "kind", topic.kind_name, "name", info.name, "result",
                            "shown"));
    deepwell_info_free(&info);
    if (body == NULL) {
        request_fail(req, "internal", "internal error");
        return;
    }
    request_ok(req, body);
}

const struct op op_info_entry = {
    .name = "info",
    .needs_token = true,
    .audit = "info",
    .stages = {{OP_STORE, op_info}},
};
