/* shapes.c - the protocol's shared JSON shapes. */
#include "server/shapes.h"
#include "common/timeutil.h"

bool shape_set(json_t *o, const char *key, json_t *value)
{
    if (o == NULL || value == NULL) {
        json_decref(value);
        return false;
    }
    return json_object_set_new(o, key, value) == 0;
}

json_t *shape_level(int level)
{
    const struct foundation_level *l = foundation_level(level);
    if (l == NULL)
        return json_null();
    return json_pack("{s:i, s:s, s:s}", "level", level, "name", l->full_name, "colour", l->colour);
}

json_t *shape_class(enum foundation_class_kind kind, const char *name)
{
    if (name == NULL || name[0] == '\0')
        return json_null();
    const struct foundation_class *c = foundation_class_by_name(kind, name);
    return json_pack("{s:s, s:s}", "name", c ? c->name : name, "colour",
                     foundation_class_colour(kind, name));
}

json_t *shape_link(enum foundation_ref_kind kind, int64_t id, const char *name)
{
    if (id <= 0)
        return json_null();
    struct foundation_ref ref = {.kind = kind, .number = id};
    char buf[32];
    foundation_ref_format(&ref, buf, sizeof(buf));
    return json_pack("{s:s, s:s}", "ref", buf, "name", name ? name : "");
}

json_t *shape_user(const struct deepwell_user *user)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)user->id, "name", user->name,
                     "title", user->title, "clearance", shape_level(user->clearance), "site",
                     shape_link(REF_SITE, user->site_id, user->site_name));
}

json_t *shape_time_or_null(const char *iso)
{
    return iso != NULL && iso[0] != '\0' ? json_string(iso) : json_null();
}

json_t *screen_clearance_denied(int needed, int have)
{
    return json_pack("{s:s, s:o, s:o}", "kind", "clearance_denied", "needed_clearance",
                     shape_level(needed), "usr_clearance", shape_level(have));
}

json_t *screen_redacted(const char *ref, int file_level, int have, int64_t logged_at_ms)
{
    char when[32];
    time_format_iso_ms(logged_at_ms, when, sizeof(when));
    return json_pack("{s:s, s:s, s:o, s:o, s:s}", "kind", "redacted", "file_ref", ref,
                     "file_classification", shape_level(file_level), "usr_clearance",
                     shape_level(have), "logged_at", when);
}

json_t *screen_expunged(const char *ref)
{
    return json_pack("{s:s, s:s}", "kind", "expunged", "file_ref", ref);
}
