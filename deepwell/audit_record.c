/*
 * audit_record.c - an audit entry checked and copied into the record that is stored
 * and hashed (audit_chain.c): texts cut at a character boundary, details made canonical.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "deepwell/audit.h"

/* ---- UTF-8 -------------------------------------------------------------------------- */

void deepwell_audit_copy_text(char *dst, size_t size, const char *src)
{
    const unsigned char *s = (const unsigned char *)(src != NULL ? src : "");
    size_t avail = strlen((const char *)s), out = 0;

    while (avail > 0) {
        uint32_t cp;
        size_t len = utf8_decode(s, avail, &cp);
        size_t take = len != 0 ? len : 1;
        if (out + take >= size)
            break;
        if (len != 0)
            memcpy(dst + out, s, len);
        else
            dst[out] = '?';
        out += take;
        s += take;
        avail -= take;
    }
    dst[out] = '\0';
}

/* ---- validating an entry ------------------------------------------------------------ */

/* The canonical form of a details object, malloc'd; DW_INVALID for anything else. */
static enum deepwell_code canonical_details(const char *json, char **out,
                                            struct deepwell_error *err)
{
    json_error_t jerr;
    json_t *root;

    if (json == NULL)
        json = "{}";
    if (strlen(json) > DEEPWELL_AUDIT_DETAILS_MAX)
        return deepwell_error_set(err, DW_INVALID, "audit.append", "details over %d bytes",
                                  DEEPWELL_AUDIT_DETAILS_MAX);
    root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return deepwell_error_set(err, DW_INVALID, "audit.append", "details are not JSON: %s",
                                  jerr.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return deepwell_error_set(err, DW_INVALID, "audit.append", "details must be a JSON object");
    }
    *out = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(root);
    if (*out == NULL)
        return deepwell_error_set(err, DW_INTERNAL, "audit.append", "out of memory");
    return DW_OK;
}

enum deepwell_code deepwell_audit_record_init(struct deepwell_audit_record *rec,
                                              const struct deepwell_audit_entry *entry,
                                              const char *ts, bool imported,
                                              struct deepwell_error *err)
{
    memset(rec, 0, sizeof(*rec));
    if (entry == NULL || entry->action == NULL || entry->action[0] == '\0' ||
        strlen(entry->action) >= sizeof(rec->action))
        return deepwell_error_set(err, DW_INVALID, "audit.append",
                                  "an action of 1 to %zu bytes is required",
                                  sizeof(rec->action) - 1);
    if ((unsigned)entry->outcome > DW_OUTCOME_DENIED || (unsigned)entry->severity > DW_SEV_ALERT)
        return deepwell_error_set(err, DW_INVALID, "audit.append", "unknown outcome or severity");
    if (ts == NULL || ts[0] == '\0' || strlen(ts) >= sizeof(rec->ts))
        return deepwell_error_set(err, DW_INVALID, "audit.append", "bad timestamp");
    if (entry->user_id < 0)
        return deepwell_error_set(err, DW_INVALID, "audit.append", "negative user id");

    snprintf(rec->ts, sizeof(rec->ts), "%s", ts);
    rec->user_id = entry->user_id;
    deepwell_audit_copy_text(rec->attempted_name, sizeof(rec->attempted_name),
                             entry->attempted_name);
    deepwell_audit_copy_text(rec->client_addr, sizeof(rec->client_addr), entry->client_addr);
    deepwell_audit_copy_text(rec->action, sizeof(rec->action), entry->action);
    rec->outcome = entry->outcome;
    rec->severity = entry->severity;
    rec->imported = imported;
    return canonical_details(entry->details_json, &rec->details, err);
}

void deepwell_audit_record_clear(struct deepwell_audit_record *rec)
{
    free(rec->details);
    rec->details = NULL;
}
