/* batch_format.c - how `scipnet --batch` prints: lines built whole, json and tsv rows. */
#include "client/batch_format.h"

#include <stdlib.h>
#include <string.h>

#include "client/batch.h"

void batch_line_add(struct batch_line *l, const char *s, size_t n)
{
    char *grown = l->failed ? NULL : realloc(l->text, l->len + n + 1);
    if (grown == NULL) {
        l->failed = true;
        return;
    }
    memcpy(grown + l->len, s, n);
    l->len += n;
    grown[l->len] = '\0';
    l->text = grown;
}

void batch_line_str(struct batch_line *l, const char *s)
{
    batch_line_add(l, s, strlen(s));
}

/* The line as the result; NULL (and nothing kept) when out of memory. */
char *batch_line_done(struct batch_line *l)
{
    if (l->failed || l->text == NULL) {
        free(l->text);
        return l->failed ? NULL : strdup("");
    }
    return l->text;
}

/* Print a built line and its newline; the line is freed. */
int batch_print_line(char *text, unsigned flags)
{
    int rc = text != NULL && vis_fprintf(stdout, flags, "%s\n", text) == 0 ? BATCH_OK : BATCH_ERROR;
    free(text);
    return rc;
}

/* --format json: the server's reply without its request id, every non-ASCII byte escaped. */
int batch_print_json(json_t *root)
{
    json_object_del(root, "id");
    return batch_print_line(
        json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER), VIS_LINE);
}

/* --format tsv: one row; every field escaped, so no tab or newline is ever inside one. */
int batch_print_tsv(const char *const *fields, size_t n)
{
    struct batch_line l = {0};
    for (size_t i = 0; i < n; i++) {
        char *v = vis_dup(fields[i] ? fields[i] : "", 0);
        if (v == NULL)
            l.failed = true;
        else {
            batch_line_str(&l, i > 0 ? "\t" : "");
            batch_line_str(&l, v);
        }
        free(v);
    }
    return batch_print_line(batch_line_done(&l), VIS_LINE); /* VIS_LINE keeps the separating tabs */
}
