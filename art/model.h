/*
 * model.h - the plain data the screens draw: files, lists and the server's screens,
 * as client/protocol.c parses them from replies.  No sockets, no JSON, no terminal.
 */
#ifndef SCIPNET_ART_MODEL_H
#define SCIPNET_ART_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#define ART_REF_MAX   32
#define ART_NAME_MAX  128
#define ART_LEVEL_MAX 64

/* A clearance level as sent ({"level","name","colour"}); level 0 means absent. */
struct art_level {
    int level;
    char name[ART_LEVEL_MAX]; /* "Level 4 - Secret" */
    char colour[8];           /* "#FF6D00" */
};

/* A named class with its colour; set is false for null. */
struct art_class {
    bool set;
    char name[ART_NAME_MAX];
    char colour[8];
};

/* A link to another file; set is false for null. */
struct art_link {
    bool set;
    char ref[ART_REF_MAX];
    char name[ART_NAME_MAX];
};

/* A run of section text, or a passage cut by the server. */
struct art_part {
    char *text; /* NULL when redacted */
    bool redacted;
    struct art_level needed;
};

struct art_section {
    char kind[32];
    char *title; /* NULL when the whole section is redacted */
    int level;
    bool redacted; /* the whole section is above the reader */
    struct art_level needed;
    struct art_part *parts;
    size_t nparts;
};

/* Extra per-kind fields (location, director, nickname, ...) as label and value. */
struct art_field {
    char *label;
    char *value;
};

/* What a site's file lists as stationed there; name is "[REDACTED]" when above the reader. */
#define ART_SITE_ROWS_MAX 50
struct art_site_row {
    char ref[ART_REF_MAX];
    char name[ART_NAME_MAX];
    char detail[ART_NAME_MAX]; /* job title, containment class, active; "" when none */
    struct art_level classification;
};

struct art_site_table {
    struct art_site_row *rows; /* at most ART_SITE_ROWS_MAX */
    size_t count;
    long total; /* how many the site has, shown or not */
};

/* A table the file view shows after the body (art/file_logs.c): an SCP file's status
 * changes, a personnel file's audit rows, newest first as the server sent them.  Each cell
 * is already made visible (common/vis.h): no control character reaches the screen. */
#define ART_LOG_COLS     4
#define ART_LOG_ROWS_MAX 50
struct art_log_row {
    char *cell[ART_LOG_COLS];
};

struct art_log {
    bool set;  /* false: the server sent none (not cleared, or another kind of file) */
    bool more; /* older rows were left out */
    struct art_log_row *rows; /* at most ART_LOG_ROWS_MAX */
    size_t count;
};

struct art_file {
    char ref[ART_REF_MAX];
    char kind[8]; /* scp, site, mtf, user */
    char *title;
    struct art_level classification;
    struct art_class containment, secondary, disruption, risk;
    char status[32];
    struct art_link site, task_force;
    struct art_field *fields;
    size_t nfields;
    struct art_section *sections;
    size_t nsections;
    struct art_site_table staff, task_forces, scps; /* sites only */
    struct art_log statuses; /* SCP files: who changed the status, when, old -> new, why */
    struct art_log audit;    /* personnel files read at the audit log's level */
};

struct art_list_item {
    char ref[ART_REF_MAX];
    char *title; /* NULL when hidden from the reader */
    bool accessible;
    struct art_level classification;
    struct art_class containment;
    char *detail; /* status, location, job title or active, by kind */
};

struct art_list {
    char kind[8];
    long total;
    long offset;
    struct art_list_item *items;
    size_t count;
};

/* The signed-in user, from login or whoami. */
struct art_user {
    long id;
    char name[ART_NAME_MAX];
    char title[ART_NAME_MAX];
    struct art_level clearance;
    struct art_link site;
    long expires_in;
};

/* Screens the server sends. */
struct art_login_screen {
    char usr_name[ART_NAME_MAX];
    char usr_title_name[ART_NAME_MAX];
    char usr_clearance_level_name[ART_LEVEL_MAX];
    struct art_level clearance; /* from the reply's user, for colour */
};

struct art_redacted_screen {
    char file_ref[ART_REF_MAX];
    struct art_level file_classification;
    struct art_level usr_clearance;
    char logged_at[40];
};

struct art_denied_screen {
    struct art_level needed_clearance;
    struct art_level usr_clearance;
};

struct art_expunged_screen {
    char file_ref[ART_REF_MAX];
};

void art_log_free(struct art_log *l);
void art_file_free(struct art_file *f);
void art_list_free(struct art_list *l);
/* Index of the n-th addendum section, or -1. */
int art_file_addendum(const struct art_file *f, size_t n);
size_t art_file_addendum_count(const struct art_file *f);

#endif
