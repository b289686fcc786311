/* import_model.c - the in-memory import bundle: growth, notes, lookups, freeing. */
#include "deepwell/io/import_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *import_lookup_dir(enum import_lookup_kind kind)
{
    switch (kind) {
    case IMPORT_LOOKUP_LEVEL:
        return "clearance_levels";
    case IMPORT_LOOKUP_CONTAINMENT:
        return "containment_classes";
    case IMPORT_LOOKUP_SECONDARY:
        return "secondary_classes";
    case IMPORT_LOOKUP_DISRUPTION:
        return "disruption_classes";
    case IMPORT_LOOKUP_RISK:
        return "risk_classes";
    case IMPORT_LOOKUP_TITLE:
    case IMPORT_LOOKUP_COUNT:
        break;
    }
    return NULL;
}

void *import_grow(void **items, size_t *count, size_t *cap, size_t elem_size)
{
    if (*count == *cap) {
        size_t bigger = *cap ? *cap * 2 : 8;
        void *p = realloc(*items, bigger * elem_size);
        if (p == NULL)
            return NULL;
        *items = p;
        *cap = bigger;
    }
    char *slot = (char *)*items + *count * elem_size;
    memset(slot, 0, elem_size);
    (*count)++;
    return slot;
}

bool import_note(struct import_notes *notes, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    char **slot = IMPORT_PUSH(notes->lines, notes->count, notes->cap);
    if (slot == NULL)
        return false;
    *slot = strdup(line);
    if (*slot == NULL) {
        notes->count--;
        return false;
    }
    return true;
}

char *import_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

const char *import_lookup_name(const struct import_lookup *l, int64_t id)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].id == id)
            return l->items[i].name;
    return NULL;
}

bool import_lookup_add(struct import_lookup *l, int64_t id, const char *name)
{
    struct import_lookup_entry *e = IMPORT_PUSH(l->items, l->count, l->cap);
    if (e == NULL)
        return false;
    e->id = id;
    e->name = import_strdup(name);
    return name == NULL || e->name != NULL;
}

struct import_scp *import_find_scp(struct import_bundle *b, int64_t key)
{
    for (size_t i = 0; i < b->nscps; i++)
        if (b->scps[i].key == key)
            return &b->scps[i];
    return NULL;
}

struct import_site *import_find_site(struct import_bundle *b, int64_t src_id)
{
    for (size_t i = 0; i < b->nsites; i++)
        if (b->sites[i].src_id == src_id)
            return &b->sites[i];
    return NULL;
}

struct import_mtf *import_find_mtf(struct import_bundle *b, int64_t src_id)
{
    for (size_t i = 0; i < b->nmtfs; i++)
        if (b->mtfs[i].src_id == src_id)
            return &b->mtfs[i];
    return NULL;
}

static void free_scp(struct import_scp *s)
{
    free(s->title);
    free(s->level_name);
    free(s->containment);
    free(s->secondary);
    free(s->disruption);
    free(s->risk);
    free(s->status);
    free(s->created_at);
    free(s->updated_at);
    free(s->source_url);
    free(s->source_author);
    free(s->source_created_at);
    free(s->tags);
    for (size_t i = 0; i < s->nsections; i++) {
        free(s->sections[i].kind);
        free(s->sections[i].title);
        free(s->sections[i].file);
        free(s->sections[i].body);
    }
    free(s->sections);
}

void import_bundle_free(struct import_bundle *b)
{
    for (int k = 0; k < IMPORT_LOOKUP_COUNT; k++) {
        for (size_t i = 0; i < b->lookups[k].count; i++)
            free(b->lookups[k].items[i].name);
        free(b->lookups[k].items);
    }
    for (size_t i = 0; i < b->nusers; i++) {
        struct import_user *u = &b->users[i];
        free(u->name);
        free(u->password_hash);
        free(u->level_name);
        free(u->title_name);
        free(u->last_login);
        free(u->created_at);
        free(u->updated_at);
    }
    free(b->users);
    for (size_t i = 0; i < b->nsites; i++) {
        struct import_site *s = &b->sites[i];
        free(s->name);
        free(s->location);
        free(s->description);
        free(s->dossier);
        free(s->created_at);
        free(s->updated_at);
    }
    free(b->sites);
    for (size_t i = 0; i < b->nmtfs; i++) {
        struct import_mtf *m = &b->mtfs[i];
        free(m->designation);
        free(m->nickname);
        free(m->mission);
        free(m->created_at);
        free(m->updated_at);
    }
    free(b->mtfs);
    for (size_t i = 0; i < b->nscps; i++)
        free_scp(&b->scps[i]);
    free(b->scps);
    for (size_t i = 0; i < b->ndescriptions; i++) {
        free(b->descriptions[i].file);
        free(b->descriptions[i].text);
    }
    free(b->descriptions);
    for (size_t i = 0; i < b->naudit; i++) {
        struct import_audit *a = &b->audit[i];
        free(a->ts);
        free(a->client_addr);
        free(a->action);
        free(a->details);
    }
    free(b->audit);
    for (size_t i = 0; i < b->notes.count; i++)
        free(b->notes.lines[i]);
    free(b->notes.lines);
    memset(b, 0, sizeof(*b));
}
