/*
 * commands.h - the SCiPNET command line: ACCESS SCP 002, LIST SCP, CREATE SCP, INFO, STATUS,
 * EDIT (a section, an addendum, the title, a class or the level), HISTORY, HELP, CLEAR, LOGOUT,
 * QUIT, and the staff's WHO, AUDIT, REVOKE, PASSWD. Parsing only; client/ui.c carries commands out.
 */
#ifndef SCIPNET_CLIENT_COMMANDS_H
#define SCIPNET_CLIENT_COMMANDS_H

#include <stddef.h>

enum command_kind {
    CMD_NONE,    /* an empty line */
    CMD_ACCESS,  /* ref */
    CMD_LIST,    /* kind, query */
    CMD_CREATE,  /* kind */
    CMD_INFO,    /* query: the topic, "KETER", "LEVEL 4" */
    CMD_STATUS,  /* ref, status, query: the reason ("" for none) */
    CMD_EDIT,    /* ref, section; or section 0: a new addendum, level and query its title */
    CMD_FIELD,   /* ref, field and query its new value ("" clears a class) */
    CMD_HISTORY, /* ref */
    CMD_LOGOUT,
    CMD_HELP,
    CMD_CLEAR,
    CMD_QUIT,
    CMD_WHO,    /* query: a user name or "" (staff: client/ui_staff.c) */
    CMD_AUDIT,  /* query: FILTER=VALUE words */
    CMD_REVOKE, /* query: a session id or a user name */
    CMD_PASSWD,
    CMD_INVALID, /* error says why */
};

struct command {
    enum command_kind kind;
    char ref[32]; /* canonical: "SCP-002" */
    char what[8]; /* "scp", "site", "mtf", "user" */
    char query[200];
    char status[16]; /* STATUS: active, neutralized, explained, deleted */
    int section;     /* EDIT: 1.. as the file shows them; 0 for a new addendum */
    int level;       /* EDIT ADDENDUM: its level */
    char field[16];  /* EDIT SCP-002 CLASS KETER: title, containment, secondary, ... level */
    char error[160];
};

/* Parse one line, ignoring case and surplus spaces.  Always fills out. */
void commands_parse(const char *line, struct command *out);

/*
 * Tab: complete the word before the end of line (a command, a kind after LIST, CREATE
 * or ACCESS, a ref after ACCESS among refs) into out: the whole match and a space when
 * one fits, else the prefix all matches share.  Returns how many matched (0: out = line).
 */
int commands_complete(const char *line, const char *const *refs, size_t nrefs, char *out,
                      size_t size);

#endif
