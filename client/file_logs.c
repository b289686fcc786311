/* file_logs.c - audit rows and status changes from replies into the file's tables. */
#include "client/file_logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/protocol.h"
#include "common/vis.h"

/* Room for the rows of rows (at most ART_LOG_ROWS_MAX are kept); -1 when out of memory. */
static int log_start(struct art_log *log, const json_t *rows)
{
    art_log_free(log);
    log->set = true;
    size_t n = json_array_size(rows);
    if (n > ART_LOG_ROWS_MAX) {
        n = ART_LOG_ROWS_MAX;
        log->more = true;
    }
    if (n == 0)
        return 0;
    log->rows = calloc(n, sizeof(*log->rows));
    return log->rows != NULL ? 0 : -1;
}

/* One row of four cells, each escaped: a control character in a name or a reason is shown
 * as \e, never obeyed, and a newline never splits a row. */
static int log_add(struct art_log *log, const char *const cells[ART_LOG_COLS])
{
    struct art_log_row *row = &log->rows[log->count];
    for (int c = 0; c < ART_LOG_COLS; c++) {
        if ((row->cell[c] = vis_dup(cells[c], 0)) == NULL) {
            while (c-- > 0) /* a row is whole or not there */
                free(row->cell[c]);
            return -1;
        }
    }
    log->count++;
    return 0;
}

int file_logs_audit(const json_t *root, struct art_file *f)
{
    const json_t *rows = json_object_get(root, "audit");
    if (!json_is_array(rows))
        return 0; /* below the audit log's level a file has none */
    if (log_start(&f->audit, rows) != 0)
        return -1;
    for (size_t i = 0; i < json_array_size(rows) && i < ART_LOG_ROWS_MAX; i++) {
        const json_t *r = json_array_get(rows, i);
        char *details = json_dumps(json_object_get(r, "details"), JSON_COMPACT | JSON_SORT_KEYS);
        const char *cells[] = {proto_str(r, "ts"), proto_str(r, "action"), proto_str(r, "outcome"),
                               details != NULL ? details : "{}"};
        int rc = log_add(&f->audit, cells);
        free(details);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int file_logs_statuses(const json_t *root, struct art_file *f)
{
    const json_t *rows = json_object_get(root, "statuses");
    if (!json_is_array(rows))
        return 0;
    if (log_start(&f->statuses, rows) != 0)
        return -1;
    f->statuses.more |= json_is_true(json_object_get(root, "more_statuses"));
    for (size_t i = 0; i < json_array_size(rows) && i < ART_LOG_ROWS_MAX; i++) {
        const json_t *r = json_array_get(rows, i);
        char when[20], change[80];
        snprintf(when, sizeof(when), "%.16s", proto_str(r, "at")); /* to the minute */
        char *t = strchr(when, 'T');
        if (t != NULL)
            *t = ' ';
        snprintf(change, sizeof(change), "%.32s -> %.32s", proto_str(r, "old"),
                 proto_str(r, "new"));
        const char *cells[] = {when, proto_changer(json_object_get(r, "by")), change,
                               proto_str(r, "reason")};
        if (log_add(&f->statuses, cells) != 0)
            return -1;
    }
    return 0;
}
