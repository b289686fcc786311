/* batch_markdown.c - `read --format markdown`: a file's source as the reader may see it. */
#include "client/batch_markdown.h"

#include <stdlib.h>

#include "art/document.h"
#include "common/vis.h"

static const char *heading(const struct art_section *s)
{
    return s->title != NULL ? s->title : s->kind;
}

int batch_read_markdown(const struct art_file *f)
{
    int rc = vis_fprintf(stdout, VIS_LINE, "# %s %s\n", f->ref, f->title ? f->title : "[UNTITLED]");
    for (size_t i = 0; i < f->nsections && rc == 0; i++) {
        const struct art_section *s = &f->sections[i];
        rc |= vis_fputs(stdout, "\n", VIS_TEXT);
        rc |= vis_fprintf(stdout, VIS_LINE, "## %s\n", heading(s));
        rc |= vis_fputs(stdout, "\n", VIS_TEXT);
        if (s->redacted) {
            rc |=
                vis_fprintf(stdout, VIS_LINE, "██████████ [LEVEL %d REQUIRED]\n", s->needed.level);
            continue;
        }
        char *src = doc_source(s->parts, s->nparts);
        if (src == NULL)
            return -1;
        rc |= vis_fputs(stdout, src, VIS_TEXT);
        rc |= vis_fputs(stdout, "\n", VIS_TEXT);
        free(src);
    }
    return rc == 0 ? 0 : -1;
}
