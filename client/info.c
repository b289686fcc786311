/* info.c - the info op's topic and reply, for the file view and batch mode. */
#include "client/info.h"

#include <stdio.h>
#include <string.h>

#include "client/protocol.h"

bool info_topic(char *const *words, int n, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        int w = snprintf(out + len, size - len, "%s%s", i ? " " : "", words[i]);
        if (w < 0 || (size_t)w >= size - len)
            return false;
        len += (size_t)w;
    }
    return len > 0;
}

int info_reply_parse(const json_t *root, struct info_reply *out)
{
    memset(out, 0, sizeof(*out));
    const json_t *info = json_object_get(root, "info");
    out->kind = json_string_value(json_object_get(info, "kind"));
    out->name = json_string_value(json_object_get(info, "name"));
    out->colour = json_string_value(json_object_get(info, "colour"));
    out->description = json_string_value(json_object_get(info, "description"));
    out->level = (int)json_integer_value(json_object_get(info, "level"));
    if (out->kind == NULL || out->name == NULL || out->description == NULL)
        return -1;
    if (out->colour == NULL)
        out->colour = "#808080";
    return 0;
}

int info_reply_file(const json_t *root, struct art_file *f)
{
    struct info_reply r;
    if (info_reply_parse(root, &r) != 0)
        return -1;
    /* The file view's shape: the level or class as the file's, the text as its section. */
    json_t *tag = json_pack("{s:s, s:s}", "name", r.name, "colour", r.colour);
    if (tag != NULL && r.level > 0)
        json_object_set_new(tag, "level", json_integer(r.level));
    const char *field = r.level > 0 ? "classification" : r.kind;
    json_t *file =
        tag == NULL ? NULL
                    : json_pack("{s:{s:s, s:s, s:s, s:o, s:[{s:s, s:s, s:i, s:s}]}}", "file", "ref",
                                "INFO", "kind", "info", "title", r.name, field, tag, "sections",
                                "kind", "description", "title", r.name, "level", r.level, "text",
                                r.description[0] ? r.description : "No description on file.");
    if (file == NULL)
        return -1;
    int rc = proto_parse_file(file, f);
    json_decref(file);
    return rc;
}
