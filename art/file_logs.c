/* file_logs.c - a file's status history and a person's audit rows, as tables after the body. */
#include "art/file_logs.h"

#include <stdio.h>

static int line_break(struct rich *r, int indent)
{
    return rich_append_char(r, L'\n', ink_plain()) | rich_repeat(r, L' ', indent, ink_plain());
}

/* The last cell in the room its column has: words wrapped, later lines under the column. */
static int last_cell(struct rich *r, const char *text, int indent, int room, struct ink ink)
{
    if (room < 12)
        return rich_append(r, text, ink); /* too narrow for a column: wrapped as text */
    int rc = 0, used = 0;
    for (const char *p = text; *p != '\0';) {
        int w = 0;
        const char *end = p;
        while (*end != '\0' && *end != ' ') {
            wchar_t ch;
            end += layout_utf8_decode(end, &ch);
            w += layout_char_width(ch);
        }
        if (used > 0 && used + 1 + w > room) {
            rc |= line_break(r, indent);
            used = 0;
        } else if (used > 0) {
            rc |= rich_append_char(r, L' ', ink);
            used++;
        }
        while (p < end) { /* a word wider than the room is cut where it must be */
            wchar_t ch;
            size_t n = layout_utf8_decode(p, &ch);
            int cw = layout_char_width(ch);
            if (used + cw > room) {
                rc |= line_break(r, indent);
                used = 0;
            }
            rc |= rich_append_char(r, ch, ink);
            used += cw;
            p += n;
        }
        while (*p == ' ')
            p++;
    }
    return rc;
}

/* One row: three fixed columns, then the last cell in what is left of width. */
static int row(struct rich *r, const char *const cells[ART_LOG_COLS], const int cols[3], int width,
               struct ink ink)
{
    int rc = rich_append(r, "  ", ink_plain()), indent = 2;
    for (int c = 0; c < 3; c++) {
        rc |= rich_cell(r, cells[c] ? cells[c] : "", cols[c], ink);
        indent += cols[c];
    }
    rc |= last_cell(r, cells[3] ? cells[3] : "", indent, width - indent, ink);
    return rc | rich_append(r, "\n", ink_plain());
}

static int table(struct rich *r, int width, const char *heading,
                 const char *const head[ART_LOG_COLS], const int cols[3], const struct art_log *log,
                 const char *none, const char *more)
{
    int rc = rich_append(r, "\n", ink_plain());
    rc |= rich_append(r, heading, ink_attrs(INK_BOLD | INK_UNDER));
    rc |= rich_append(r, "\n", ink_plain());
    if (log->count == 0)
        return rc | rich_append(r, none, ink_attrs(INK_DIM));
    rc |= row(r, head, cols, width, ink_attrs(INK_DIM));
    for (size_t i = 0; i < log->count; i++)
        rc |= row(r, (const char *const *)log->rows[i].cell, cols, width, ink_plain());
    if (log->more)
        rc |= rich_append(r, more, ink_attrs(INK_DIM));
    return rc;
}

int art_file_logs(struct rich *r, const struct art_file *f, int width)
{
    static const char *const status_head[] = {"WHEN", "WHO", "OLD -> NEW", "WHY"};
    static const int status_cols[] = {ART_LOG_WHEN_COLS, ART_LOG_WHO_COLS, ART_LOG_CHANGE_COLS};
    static const char *const audit_head[] = {"TIME", "ACTION", "OUTCOME", "DETAILS"};
    static const int audit_cols[] = {ART_LOG_TIME_COLS, ART_LOG_ACTION_COLS, ART_LOG_RESULT_COLS};
    int rc = 0;
    if (f->statuses.set)
        rc |= table(r, width, "STATUS HISTORY", status_head, status_cols, &f->statuses,
                    "  No status changes on record.\n",
                    "  … older changes: press h for the whole history.\n");
    if (f->audit.set)
        rc |= table(r, width, "RECENT AUDIT ROWS", audit_head, audit_cols, &f->audit,
                    "  No audit rows on record.\n",
                    "  … older rows: the AUDIT command shows them.\n");
    return rc ? -1 : 0;
}
