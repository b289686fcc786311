/* site_tables.c - who and what is stationed at a site, a table each, cut to fixed columns. */
#include "art/site_tables.h"
#include "art/levels.h"

#include <stdio.h>
#include <string.h>

#define HIDDEN "[REDACTED]"

static int row(struct rich *r, const struct art_site_row *row)
{
    bool hidden = strcmp(row->name, HIDDEN) == 0;
    int rc = rich_append(r, "  ", ink_plain());
    rc |= rich_cell(r, row->ref, ART_SITE_REF_COLS, art_level_ink(&row->classification, INK_BOLD));
    if (hidden) {
        char need[32];
        rc |= rich_cell(r, HIDDEN, ART_SITE_NAME_COLS, ink_attrs(INK_BOLD | INK_REVERSE));
        snprintf(need, sizeof(need), "LEVEL %d REQUIRED", row->classification.level);
        rc |= rich_append(r, need, art_level_ink(&row->classification, INK_DIM));
    } else {
        rc |= rich_cell(r, row->name, ART_SITE_NAME_COLS, ink_plain());
        char detail[ART_NAME_MAX];
        snprintf(detail, sizeof(detail), "%.*s", ART_SITE_DETAIL_COLS * 4, row->detail);
        struct rich d = {0};
        rc |= rich_cell(&d, detail, ART_SITE_DETAIL_COLS, ink_attrs(INK_DIM));
        /* The last column needs no padding: trim it. */
        while (d.len > 0 && d.g[d.len - 1].ch == L' ')
            d.len--;
        for (size_t i = 0; i < d.len; i++)
            rc |= rich_append_char(r, d.g[i].ch, d.g[i].ink);
        rich_free(&d);
    }
    rc |= rich_append(r, "\n", ink_plain());
    return rc;
}

static int table(struct rich *r, const char *heading, const struct art_site_table *t)
{
    char line[96];
    snprintf(line, sizeof(line), "%s (%ld)", heading, t->total);
    int rc = rich_append(r, line, ink_attrs(INK_BOLD | INK_UNDER));
    rc |= rich_append(r, "\n", ink_plain());
    if (t->count == 0 && t->total == 0)
        rc |= rich_append(r, "  None on record.\n", ink_attrs(INK_DIM));
    for (size_t i = 0; i < t->count; i++)
        rc |= row(r, &t->rows[i]);
    if (t->total > (long)t->count) {
        snprintf(line, sizeof(line), "  … and %ld more\n", t->total - (long)t->count);
        rc |= rich_append(r, line, ink_attrs(INK_DIM));
    }
    return rc;
}

int art_site_tables(struct rich *r, const struct art_file *f)
{
    int rc = table(r, "STATIONED PERSONNEL", &f->staff);
    rc |= rich_append(r, "\n", ink_plain());
    rc |= table(r, "TASK FORCES", &f->task_forces);
    rc |= rich_append(r, "\n", ink_plain());
    rc |= table(r, "SCP FILES", &f->scps);
    return rc ? -1 : 0;
}
