/* batch_info.c - `scipnet --batch info keter`: a level's or class's description. */
#include "client/batch_info.h"

#include <stdio.h>

#include "client/batch.h"
#include "client/batch_format.h"
#include "client/info.h"
#include "client/protocol.h"
#include "common/vis.h"

static int print(const json_t *root, enum client_format format)
{
    struct info_reply r;
    if (format == FORMAT_JSON)
        return batch_print_json((json_t *)root);
    if (info_reply_parse(root, &r) != 0) {
        vis_fprintf(stderr, VIS_LINE,
                    "scipnet: the server sent an info reply this client "
                    "cannot read\n");
        return BATCH_ERROR;
    }
    char level[16] = "";
    if (r.level > 0)
        snprintf(level, sizeof(level), "%d", r.level);
    if (format == FORMAT_TSV) {
        static const char *const head[] = {"kind", "name", "level", "description"};
        const char *row[] = {r.kind, r.name, level, r.description};
        int rc = batch_print_tsv(head, 4);
        return rc == BATCH_OK ? batch_print_tsv(row, 4) : rc;
    }
    int rc =
        vis_fprintf(stdout, VIS_LINE, "%s (%s%s)\n", r.name, r.kind, r.level > 0 ? "" : " class");
    if (rc == 0 && r.description[0] != '\0')
        rc = vis_fputs(stdout, r.description, VIS_TEXT);
    return rc == 0 ? BATCH_OK : BATCH_ERROR;
}

int batch_info(struct session *s, char *const *words, int n, enum client_format format)
{
    char topic[128];
    if (!info_topic(words, n, topic, sizeof(topic))) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: info: the topic is too long\n");
        return BATCH_ERROR;
    }
    json_t *req = proto_request("info");
    json_object_set_new(req, "topic", json_string(topic));
    struct proto_reply r;
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    rc = print(r.root, format);
    proto_reply_free(&r);
    return rc;
}
