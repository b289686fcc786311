/* site_tables.c - who and what is stationed at a site, cleared row by row. */
#include "server/site_tables.h"
#include "server/redact.h"
#include "server/shapes.h"

#include <string.h>

enum deepwell_code site_tables_load(struct deepwell *dw, int64_t site_id, struct site_tables *out,
                                    struct deepwell_error *err)
{
    memset(out, 0, sizeof(*out));
    enum deepwell_code rc =
        deepwell_site_members(dw, site_id, DW_KIND_USER, SITE_TABLE_ROWS, &out->staff, err);
    if (rc == DW_OK)
        rc = deepwell_site_members(dw, site_id, DW_KIND_MTF, SITE_TABLE_ROWS, &out->task_forces,
                                   err);
    if (rc == DW_OK)
        rc = deepwell_site_members(dw, site_id, DW_KIND_SCP, SITE_TABLE_ROWS, &out->scps, err);
    if (rc != DW_OK)
        site_tables_free(out);
    return rc;
}

void site_tables_free(struct site_tables *t)
{
    deepwell_list_free(&t->staff);
    deepwell_list_free(&t->task_forces);
    deepwell_list_free(&t->scps);
}

/* What a row says besides its name: a job title, a containment class, active or not. */
static json_t *detail(enum foundation_ref_kind kind, const struct deepwell_list_item *item)
{
    if (kind == REF_MTF)
        return json_string(strcmp(item->extra, "1") == 0 ? "active" : "inactive");
    if (kind == REF_SCP) {
        json_t *cls = shape_class(FOUNDATION_CONTAINMENT, item->extra);
        json_t *name = json_incref(json_object_get(cls, "name"));
        json_decref(cls);
        return name != NULL ? name : json_null();
    }
    return item->extra[0] ? json_string(item->extra) : json_null();
}

/*
 * A link row: a name above the reader is withheld (clearance_title), and so is its detail.
 * Made here rather than by shape_link, which has no link for SCP-000.
 */
static json_t *row(const struct reader *r, enum foundation_ref_kind kind,
                   const struct deepwell_list_item *item)
{
    bool hidden = clearance_title(r, kind, item->level, item->id) != 0;
    struct foundation_ref ref = {.kind = kind, .number = item->id};
    memcpy(ref.suffix, item->suffix, sizeof(ref.suffix)); /* SCP-049-ARC, not SCP-049 */
    char canon[32];
    foundation_ref_format(&ref, canon, sizeof(canon));
    json_t *o =
        json_pack("{s:s, s:s}", "ref", canon, "name", hidden ? REDACT_PLACEHOLDER : item->title);
    bool ok = shape_set(o, "classification", shape_level(item->level));
    ok = ok && shape_set(o, "detail", hidden ? json_null() : detail(kind, item));
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static bool table(json_t *file, const char *key, const char *total_key, const struct reader *r,
                  enum foundation_ref_kind kind, const struct deepwell_list *list)
{
    json_t *rows = json_array();
    for (size_t i = 0; rows != NULL && i < list->count && i < SITE_TABLE_ROWS; i++) {
        json_t *o = row(r, kind, &list->items[i]);
        if (o == NULL || json_array_append_new(rows, o) != 0) {
            json_decref(rows);
            rows = NULL;
        }
    }
    return shape_set(file, key, rows) &&
           shape_set(file, total_key, json_integer((json_int_t)list->total));
}

bool site_tables_json(const struct site_tables *t, const struct reader *r, json_t *file)
{
    return table(file, "staff", "staff_total", r, REF_USER, &t->staff) &&
           table(file, "task_forces", "task_forces_total", r, REF_MTF, &t->task_forces) &&
           table(file, "scps", "scps_total", r, REF_SCP, &t->scps);
}
