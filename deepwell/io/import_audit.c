/* import_audit.c - an import's audit history, written once per source. */
#include "deepwell/io/import_write.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deepwell/audit.h"
#include "deepwell/pool.h"
#include "deepwell/write.h"

/* ---- audit history --------------------------------------------------------------------------- */

/* The original's action is free text up to 255 bytes: keep at most 63, cut on a character. */
static void short_action(const char *action, char out[64])
{
    size_t n = action ? strlen(action) : 0;
    if (n == 0) {
        snprintf(out, 64, "imported");
        return;
    }
    if (n > 63) {
        n = 63;
        while (n > 0 && ((unsigned char)action[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, action, n);
    out[n] = '\0';
}

static enum deepwell_code insert_audit_row(struct writer *w, const struct import_audit *a)
{
    json_t *details = json_pack("{s:s, s:I, s:I}", "source", w->b->source_key, "original_id",
                                (json_int_t)a->src_id, "original_user_id", (json_int_t)a->user);
    if (details != NULL && a->action != NULL)
        json_object_set_new(details, "action", json_string(a->action));
    if (details != NULL && a->details != NULL)
        json_object_set_new(details, "details", json_string(a->details));
    char *text = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(details);
    if (text == NULL)
        return writer_oom(w);
    char action[64];
    short_action(a->action, action);
    struct deepwell_audit_entry e = {
        .user_id = writer_user(w, a->user),
        .client_addr = a->client_addr ? a->client_addr : "",
        .action = action,
        .outcome = a->outcome == 0 ? DW_OUTCOME_FAILURE : DW_OUTCOME_SUCCESS,
        .severity = a->outcome == 0 ? DW_SEV_NOTICE : DW_SEV_INFO,
        .details_json = text,
    };
    enum deepwell_code code =
        deepwell_audit_insert_in_tx(w->conn, &e, a->ts ? a->ts : w->now, true, w->err);
    free(text);
    return code;
}

/*
 * A LIKE pattern matching the canonical details (compact, sorted keys: audit_chain.c)
 * of a row imported from source_key: %"source":"<key as JSON>"%, with LIKE's own
 * characters escaped.  Plain text, so both engines run it (no JSON functions).  A
 * quote inside a JSON string is always escaped, so a value cannot fake the key.
 */
static char *source_pattern(const char *source_key)
{
    json_t *value = json_string(source_key);
    char *encoded = value != NULL ? json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    json_decref(value);
    if (encoded == NULL)
        return NULL;
    static const char prefix[] = "%\"source\":";
    size_t len = strlen(encoded);
    char *pattern = malloc(sizeof(prefix) + 2 * len + 2);
    if (pattern != NULL) {
        char *p = pattern + sprintf(pattern, "%s", prefix);
        for (const char *c = encoded; *c != '\0'; c++) {
            if (*c == '%' || *c == '_' || *c == '\\')
                *p++ = '\\';
            *p++ = *c;
        }
        *p++ = '%';
        *p = '\0';
    }
    free(encoded);
    return pattern;
}

enum deepwell_code writer_apply_audit(struct writer *w)
{
    if (w->b->naudit == 0)
        return DW_OK;
    int64_t present;
    char *pattern = source_pattern(w->b->source_key);
    if (pattern == NULL)
        return writer_oom(w);
    enum deepwell_code code = dw_find_id(w->conn,
                                         "SELECT id FROM audit_log WHERE imported = 1 AND"
                                         " details LIKE ?1 ESCAPE '\\' LIMIT 1",
                                         pattern, &present, "import.audit", w->err);
    free(pattern);
    if (code != DW_OK)
        return code;
    if (present != 0) {
        w->r->audit_already_imported = true;
        w->r->audit_rows.existing = w->b->naudit;
        return DW_OK;
    }
    /* In the original's order (by its row id), so the chain reads as history happened. */
    for (size_t i = 0; i < w->b->naudit && code == DW_OK; i++) {
        code = insert_audit_row(w, &w->b->audit[i]);
        if (code == DW_OK)
            w->r->audit_rows.added++;
    }
    return code;
}
