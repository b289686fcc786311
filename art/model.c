/* model.c - freeing and querying the plain data the screens draw. */
#include "art/model.h"

#include <stdlib.h>
#include <string.h>

void art_log_free(struct art_log *l)
{
    for (size_t i = 0; i < l->count; i++)
        for (int c = 0; c < ART_LOG_COLS; c++)
            free(l->rows[i].cell[c]);
    free(l->rows);
    memset(l, 0, sizeof(*l));
}

void art_file_free(struct art_file *f)
{
    free(f->title);
    for (size_t i = 0; i < f->nfields; i++) {
        free(f->fields[i].label);
        free(f->fields[i].value);
    }
    free(f->fields);
    for (size_t i = 0; i < f->nsections; i++) {
        struct art_section *s = &f->sections[i];
        free(s->title);
        for (size_t p = 0; p < s->nparts; p++)
            free(s->parts[p].text);
        free(s->parts);
    }
    free(f->sections);
    free(f->staff.rows);
    free(f->task_forces.rows);
    free(f->scps.rows);
    art_log_free(&f->statuses);
    art_log_free(&f->audit);
    memset(f, 0, sizeof(*f));
}

void art_list_free(struct art_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].title);
        free(l->items[i].detail);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

int art_file_addendum(const struct art_file *f, size_t n)
{
    for (size_t i = 0; i < f->nsections; i++)
        if (strcmp(f->sections[i].kind, "addendum") == 0 && n-- == 0)
            return (int)i;
    return -1;
}

size_t art_file_addendum_count(const struct art_file *f)
{
    size_t count = 0;
    for (size_t i = 0; i < f->nsections; i++)
        if (strcmp(f->sections[i].kind, "addendum") == 0)
            count++;
    return count;
}
