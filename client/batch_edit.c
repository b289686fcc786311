/*
 * batch_edit.c - `scipnet --batch` verbs that change a file or show its changes:
 *   status REF STATUS [REASON]
 *   edit REF --base-revision K --reason R (--section N --text-file F
 *        | --addendum TITLE --level N --text-file F
 *        | [--title T] [--containment C] [--secondary C] [--disruption C] [--risk C]
 *          [--level N])
 *   history REF [--limit N]
 * The server decides every refusal; what it sends is printed with controls made visible.
 */
#include "client/batch_edit.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/batch.h"
#include "client/batch_format.h"
#include "client/protocol.h"
#include "client/session.h"
#include "common/integer.h"
#include "common/vis.h"

#define TEXT_FILE_MAX 60000 /* the server's limit on a section's text */

bool batch_edit_verb(const char *verb)
{
    return strcmp(verb, "status") == 0 || strcmp(verb, "edit") == 0 || strcmp(verb, "history") == 0;
}

static int usage_error(const char *message)
{
    vis_fprintf(stderr, VIS_LINE, "scipnet: %s\n", message);
    return BATCH_ERROR;
}

/* The reply as JSON, or as the one text line / TSV row the caller built. */
static int print_result(struct proto_reply *r, const char *const *head, const char *const *row,
                        size_t n, const char *line)
{
    int rc;
    if (batch_format() == FORMAT_JSON)
        rc = batch_print_json(r->root);
    else if (batch_format() == FORMAT_TSV)
        rc = batch_print_tsv(head, n) == BATCH_OK ? batch_print_tsv(row, n) : BATCH_ERROR;
    else
        rc = vis_fprintf(stdout, VIS_LINE, "%s\n", line) == 0 ? BATCH_OK : BATCH_ERROR;
    proto_reply_free(r);
    return rc;
}

static int cmd_status(struct session *s, char **cmd, int n)
{
    if (n != 3 && n != 4)
        return usage_error("usage: status REF STATUS [REASON]");
    json_t *req = proto_request("set_status");
    json_object_set_new(req, "ref", json_string(cmd[1]));
    json_object_set_new(req, "status", json_string(cmd[2]));
    if (n == 4)
        json_object_set_new(req, "reason", json_string(cmd[3]));
    struct proto_reply r;
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    static const char *const head[] = {"ref", "old", "new"};
    const char *row[] = {proto_str(r.root, "ref"), proto_str(r.root, "old"),
                         proto_str(r.root, "new")};
    char line[128];
    snprintf(line, sizeof(line), "%.40s: %.20s -> %.20s", row[0], row[1], row[2]);
    return print_result(&r, head, row, 3, line);
}

/* The whole of a text file of at most TEXT_FILE_MAX bytes; NULL after saying why. */
static char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: cannot open %s\n", path);
        return NULL;
    }
    char *buf = malloc(TEXT_FILE_MAX + 2);
    size_t got = buf != NULL ? fread(buf, 1, TEXT_FILE_MAX + 1, f) : 0;
    bool failed = buf == NULL || ferror(f);
    fclose(f);
    if (failed || got > TEXT_FILE_MAX || memchr(buf, '\0', got) != NULL) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s: %s\n", path,
                    failed                ? "cannot read it"
                    : got > TEXT_FILE_MAX ? "longer than 60000 bytes"
                                          : "holds a NUL byte");
        free(buf);
        return NULL;
    }
    buf[got] = '\0';
    return buf;
}

/* The edit request from its options; NULL after saying why. */
static json_t *edit_request(char **cmd, int n)
{
    static const char *const field_opts[] = {"title", "containment", "secondary", "disruption",
                                             "risk"};
    json_t *req = proto_request("edit"), *fields = json_object();
    json_object_set_new(req, "ref", json_string(cmd[1]));
    const char *text_file = NULL, *addendum = NULL, *problem = NULL;
    int64_t section = 0, level = 0, base = -1;
    for (int i = 2; i < n && problem == NULL; i += 2) {
        const char *opt = cmd[i], *val = i + 1 < n ? cmd[i + 1] : NULL;
        if (val == NULL || strncmp(opt, "--", 2) != 0) {
            problem = "edit options are --NAME VALUE pairs";
            break;
        }
        opt += 2;
        bool known = false;
        for (size_t k = 0; k < sizeof(field_opts) / sizeof(field_opts[0]); k++)
            if (strcmp(opt, field_opts[k]) == 0) {
                json_object_set_new(fields, opt, json_string(val));
                known = true;
            }
        if (known)
            continue;
        if (strcmp(opt, "reason") == 0)
            json_object_set_new(req, "reason", json_string(val));
        else if (strcmp(opt, "text-file") == 0)
            text_file = val;
        else if (strcmp(opt, "addendum") == 0)
            addendum = val;
        else if (strcmp(opt, "base-revision") == 0)
            problem =
                integer_parse(val, 0, INT64_MAX, &base) ? NULL : "--base-revision wants a number";
        else if (strcmp(opt, "section") == 0)
            problem =
                integer_parse(val, 1, 1000, &section) ? NULL : "--section wants a number 1-1000";
        else if (strcmp(opt, "level") == 0)
            problem = integer_parse(val, 1, 6, &level) ? NULL : "--level wants a level 1-6";
        else
            problem = "unknown edit option (want --base-revision, --reason, --section, "
                      "--text-file, --addendum, --level, --title or a class)";
    }
    if (problem == NULL && base < 0)
        problem = "edit needs --base-revision (the revision read or history shows)";
    if (problem == NULL && json_object_get(req, "reason") == NULL)
        problem = "edit needs --reason";
    if (problem == NULL && (section > 0 || addendum != NULL) && text_file == NULL)
        problem = "a section or addendum edit needs --text-file";
    if (problem == NULL && section > 0 && (addendum != NULL || json_object_size(fields) > 0))
        problem = "edit changes one thing: a section, an addendum or the fields";
    if (problem != NULL) {
        json_decref(req);
        json_decref(fields);
        usage_error(problem);
        return NULL;
    }
    char *text = text_file != NULL ? read_text_file(text_file) : NULL;
    if (text_file != NULL && text == NULL) {
        json_decref(req);
        json_decref(fields);
        return NULL;
    }
    json_object_set_new(req, "base_revision", json_integer(base));
    if (section > 0) {
        json_object_set_new(req, "section", json_integer(section));
        json_object_set_new(req, "text", json_string(text));
        json_decref(fields);
    } else if (addendum != NULL) {
        json_t *add = json_pack("{s:s, s:I, s:s}", "title", addendum, "level", (json_int_t)level,
                                "text", text);
        json_object_set_new(req, "addendum", add);
        json_decref(fields);
    } else {
        if (level > 0)
            json_object_set_new(fields, "level", json_integer(level));
        json_object_set_new(req, "fields", fields);
    }
    free(text);
    return req;
}

static int cmd_edit(struct session *s, char **cmd, int n)
{
    if (n < 2)
        return usage_error("usage: edit REF --base-revision K --reason R ...");
    json_t *req = edit_request(cmd, n);
    if (req == NULL)
        return BATCH_ERROR;
    struct proto_reply r;
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    char revision[32], line[160];
    snprintf(revision, sizeof(revision), "%lld",
             (long long)json_integer_value(json_object_get(r.root, "revision")));
    static const char *const head[] = {"ref", "revision", "change"};
    const char *row[] = {proto_str(r.root, "ref"), revision, proto_str(r.root, "change")};
    snprintf(line, sizeof(line), "%.40s revision %s (%.64s)", row[0], revision, row[2]);
    return print_result(&r, head, row, 3, line);
}

/* A changer as shown: a name, [REDACTED], or "-" when the user is gone. */
static const char *who(const json_t *by)
{
    if (json_is_string(by))
        return json_string_value(by);
    const char *name = json_string_value(json_object_get(by, "name"));
    return name != NULL ? name : "-";
}

static int history_row(const json_t *row, bool edit)
{
    char revision[32] = "";
    if (edit)
        snprintf(revision, sizeof(revision), "%lld",
                 (long long)json_integer_value(json_object_get(row, "revision")));
    const char *at = proto_str(row, "at"), *by = who(json_object_get(row, "by"));
    if (batch_format() == FORMAT_TSV) {
        const char *fields[] = {edit ? "edit" : "status",
                                at,
                                by,
                                revision,
                                edit ? proto_str(row, "change") : "",
                                proto_str(row, "old"),
                                proto_str(row, "new"),
                                proto_str(row, "reason")};
        return batch_print_tsv(fields, 8);
    }
    if (edit)
        return vis_fprintf(stdout, VIS_LINE, "  %-10s %s  %-16s %-12s %s\n", revision, at, by,
                           proto_str(row, "change"), proto_str(row, "reason")) == 0
                   ? BATCH_OK
                   : BATCH_ERROR;
    return vis_fprintf(stdout, VIS_LINE, "  %s  %-16s %s -> %s  %s\n", at, by,
                       proto_str(row, "old"), proto_str(row, "new"), proto_str(row, "reason")) == 0
               ? BATCH_OK
               : BATCH_ERROR;
}

static int print_history(const json_t *root)
{
    int rc = BATCH_OK;
    if (batch_format() == FORMAT_TSV) {
        static const char *const head[] = {"kind",   "at",  "by",  "revision",
                                           "change", "old", "new", "reason"};
        rc = batch_print_tsv(head, 8);
    } else {
        int out = vis_fprintf(stdout, VIS_LINE, "%s revision %lld\n", proto_str(root, "ref"),
                              (long long)json_integer_value(json_object_get(root, "revision")));
        if (out == 0)
            out = vis_fprintf(stdout, VIS_LINE, "Edits:\n");
        rc = out == 0 ? BATCH_OK : BATCH_ERROR;
    }
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(root, "edits"), i, row) if (rc == BATCH_OK) rc =
        history_row(row, true);
    if (rc == BATCH_OK && batch_format() == FORMAT_TEXT)
        rc = vis_fprintf(stdout, VIS_LINE, "Status changes:\n") == 0 ? BATCH_OK : BATCH_ERROR;
    json_array_foreach(json_object_get(root, "statuses"), i, row) if (rc == BATCH_OK) rc =
        history_row(row, false);
    return rc;
}

static int cmd_history(struct session *s, char **cmd, int n)
{
    int64_t limit = 0;
    if (!(n == 2 ||
          (n == 4 && strcmp(cmd[2], "--limit") == 0 && integer_parse(cmd[3], 1, 50, &limit))))
        return usage_error("usage: history REF [--limit 1-50]");
    json_t *req = proto_request("history");
    json_object_set_new(req, "ref", json_string(cmd[1]));
    if (limit > 0)
        json_object_set_new(req, "limit", json_integer(limit));
    struct proto_reply r;
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    rc = batch_format() == FORMAT_JSON ? batch_print_json(r.root) : print_history(r.root);
    proto_reply_free(&r);
    return rc;
}

int batch_edit_run(struct session *s, char **cmd, int n)
{
    if (strcmp(cmd[0], "status") == 0)
        return cmd_status(s, cmd, n);
    if (strcmp(cmd[0], "edit") == 0)
        return cmd_edit(s, cmd, n);
    assert(strcmp(cmd[0], "history") == 0);
    return cmd_history(s, cmd, n);
}
