/*
 * demo_content.h - the demo deepwell's people, places and files as data (internal to
 * deepwell/; demo.c writes them, docs/demo.md describes them).  All text is written
 * for this project.
 */
#ifndef SCIPNET_DEEPWELL_IO_DEMO_CONTENT_H
#define SCIPNET_DEEPWELL_IO_DEMO_CONTENT_H

#include <stddef.h>

#define DEMO_SECTIONS_MAX 5

struct demo_site {
    int ref; /* SITE-<ref>: the row id asked for */
    const char *name;
    int level;
    const char *location, *description, *dossier;
    const char *director; /* a demo user's name, or NULL */
};

struct demo_mtf {
    int ref; /* MTF-<ref> */
    const char *designation, *nickname;
    int level;
    int site_ref;
    const char *mission;
};

struct demo_user {
    const char *name; /* the password is "<name>-pass" */
    int clearance;
    const char *title;
    int site_ref; /* 0 = none */
};

struct demo_section {
    const char *kind, *title;
    int level;
    const char *body; /* may hold [[LEVEL n]]...[[/LEVEL]] passages */
};

struct demo_file {
    int number;
    const char *title;
    int level;
    const char *containment, *secondary, *disruption, *risk;
    int site_ref, mtf_ref; /* 0 = none */
    const char
        *final_status; /* set after creation (leaves a status history entry); NULL = active */
    const char *status_reason;
    const char *status_by; /* the demo user who changed the status */
    size_t nsections;
    struct demo_section sections[DEMO_SECTIONS_MAX];
};

const struct demo_site *demo_sites(size_t *count);
const struct demo_mtf *demo_mtfs(size_t *count);
const struct demo_user *demo_users(size_t *count);
const struct demo_file *demo_files(size_t *count);

#endif
