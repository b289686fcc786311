/* commands.c - the SCiPNET command line. */
#include "client/commands.h"

#include <ctype.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client/info.h"
#include "client/input.h"
#include "common/foundation.h"
#include "common/integer.h"

#define WORDS 8

/* Split on spaces into at most WORDS words; the rest stays in the last word. */
static int split(char *line, char **words)
{
    int n = 0;
    char *p = line;
    while (*p && n < WORDS) {
        while (isspace((unsigned char)*p))
            *p++ = '\0';
        if (*p == '\0')
            break;
        words[n++] = p;
        if (n == WORDS)
            break;
        while (*p && !isspace((unsigned char)*p))
            p++;
    }
    return n;
}

/* "SCP", "scps", "Sites" -> "scp", "site"; false when not a file kind. */
static bool parse_kind(const char *word, char *out, size_t size)
{
    for (int i = 0; i < FOUNDATION_REF_KINDS; i++) {
        const char *kind = foundation_ref_kind_name((enum foundation_ref_kind)i);
        size_t n = strlen(kind);
        if (strncasecmp(word, kind, n) == 0 &&
            (word[n] == '\0' || ((word[n] == 's' || word[n] == 'S') && word[n + 1] == '\0'))) {
            snprintf(out, size, "%s", kind);
            return true;
        }
    }
    return false;
}

/* ACCESS SCP 002 | ACCESS SCP-002 | ACCESS 002 (an SCP) | ACCESS SCP-049-ARC | ACCESS SITE 19 */
static void parse_access(char **w, int n, struct command *out)
{
    char text[64];
    struct foundation_ref ref;
    if (n == 2 && isdigit((unsigned char)w[1][0])) /* "002", "049-ARC" */
        snprintf(text, sizeof(text), "SCP-%s", w[1]);
    else if (n == 2 && strchr(w[1], '-') != NULL)
        snprintf(text, sizeof(text), "%s", w[1]);
    else if (n == 3)
        snprintf(text, sizeof(text), "%s-%s", w[1], w[2]);
    else {
        out->kind = CMD_INVALID;
        snprintf(out->error, sizeof(out->error),
                 "USAGE: ACCESS SCP 002 (or SITE 19, MTF 3, USER 2)");
        return;
    }
    if (!foundation_ref_parse(text, &ref)) {
        out->kind = CMD_INVALID;
        snprintf(out->error, sizeof(out->error), "INVALID FILE REFERENCE: %.60s", text);
        return;
    }
    out->kind = CMD_ACCESS;
    foundation_ref_format(&ref, out->ref, sizeof(out->ref));
}

/* An SCP file's ref as one word: SCP-002, or 002 alone. */
static bool parse_scp_ref(const char *word, struct command *out)
{
    char text[64];
    struct foundation_ref ref;
    snprintf(text, sizeof(text), "%s%s", isdigit((unsigned char)word[0]) ? "SCP-" : "", word);
    if (!foundation_ref_parse(text, &ref) || ref.kind != REF_SCP)
        return false;
    foundation_ref_format(&ref, out->ref, sizeof(out->ref));
    return true;
}

static void invalid(struct command *out, const char *usage)
{
    out->kind = CMD_INVALID;
    snprintf(out->error, sizeof(out->error), "%s", usage);
}

/* STATUS SCP-002 NEUTRALIZED ["]REASON["]: the reason is the rest of the line (rest). */
static void parse_status(char **w, int n, const char *rest, struct command *out)
{
    static const char usage[] = "USAGE: STATUS SCP-002 ACTIVE|NEUTRALIZED|EXPLAINED|DELETED "
                                "[\"REASON\"]";
    if (n < 3 || !parse_scp_ref(w[1], out) || strlen(w[2]) >= sizeof(out->status)) {
        invalid(out, usage);
        return;
    }
    for (size_t i = 0; w[2][i] != '\0'; i++)
        out->status[i] = (char)tolower((unsigned char)w[2][i]);
    if (!foundation_status_valid(out->status)) {
        invalid(out, usage);
        return;
    }
    size_t len = rest != NULL ? strlen(rest) : 0;
    while (len > 0 && isspace((unsigned char)rest[len - 1]))
        len--;
    if (len >= 2 && rest[0] == '"' && rest[len - 1] == '"') {
        rest++;
        len -= 2;
    }
    if (len >= sizeof(out->query)) {
        invalid(out, "THE REASON IS TOO LONG (AT MOST 199 CHARACTERS)");
        return;
    }
    snprintf(out->query, sizeof(out->query), "%.*s", (int)len, rest != NULL ? rest : "");
    out->kind = CMD_STATUS;
}

/* EDIT SCP-002 2 | EDIT SCP-002 ADDENDUM 3 TITLE (the rest of the line) | HISTORY SCP-002 */
static void parse_file_verb(char **w, int n, const char *rest, bool edit, struct command *out)
{
    if (!edit) {
        if (n != 2 || !parse_scp_ref(w[1], out)) {
            invalid(out, "USAGE: HISTORY SCP-002");
            return;
        }
        out->kind = CMD_HISTORY;
        return;
    }
    int64_t section = 0, level = 0;
    if (n >= 4 && strcasecmp(w[2], "ADDENDUM") == 0 && parse_scp_ref(w[1], out) &&
        integer_parse(w[3], 1, 6, &level) && rest != NULL && rest[0] != '\0') {
        size_t len = strlen(rest);
        while (len > 0 && isspace((unsigned char)rest[len - 1]))
            len--;
        if (len >= sizeof(out->query)) {
            invalid(out, "THE TITLE IS TOO LONG (AT MOST 199 CHARACTERS)");
            return;
        }
        snprintf(out->query, sizeof(out->query), "%.*s", (int)len, rest);
        out->level = (int)level;
        out->kind = CMD_EDIT;
        return;
    }
    if (n != 3 || !parse_scp_ref(w[1], out) || !integer_parse(w[2], 1, 1000, &section)) {
        invalid(out, "USAGE: EDIT SCP-002 N (THE SECTION, AS THE FILE SHOWS THEM) OR "
                     "EDIT SCP-002 ADDENDUM LEVEL TITLE");
        return;
    }
    out->section = (int)section;
    out->kind = CMD_EDIT;
}

/*
 * EDIT SCP-002 TITLE A New Title | CLASS KETER | SECONDARY NONE | DISRUPTION VLAM | RISK -
 * | LEVEL 3: one of the file's fields; NONE or - clears a class.  false: not such a line.
 */
static bool parse_edit_field(char **w, int n, const char *rest, struct command *out)
{
    static const struct {
        const char *word, *field;
    } fields[] = {
        {"TITLE", "title"},         {"CLASS", "containment"},     {"CONTAINMENT", "containment"},
        {"SECONDARY", "secondary"}, {"DISRUPTION", "disruption"}, {"RISK", "risk"},
        {"LEVEL", "level"},
    };
    size_t i = 0;
    while (i < sizeof(fields) / sizeof(fields[0]) && strcasecmp(w[2], fields[i].word) != 0)
        i++;
    if (i == sizeof(fields) / sizeof(fields[0]))
        return false;
    int64_t level;
    size_t len = strlen(rest);
    while (len > 0 && isspace((unsigned char)rest[len - 1]))
        len--;
    bool one_word = n == 4,
         is_class = strcmp(fields[i].field, "title") != 0 && strcmp(fields[i].field, "level") != 0;
    if (!parse_scp_ref(w[1], out) || (strcmp(fields[i].field, "level") == 0 &&
                                      (!one_word || !integer_parse(w[3], 1, 6, &level)))) {
        invalid(out, "USAGE: EDIT SCP-002 TITLE TEXT | CLASS KETER | SECONDARY NAME | "
                     "DISRUPTION NAME | RISK NAME | LEVEL 1-6 (NONE CLEARS A CLASS)");
        return true;
    }
    if (len >= sizeof(out->query)) {
        invalid(out, "THE NEW VALUE IS TOO LONG (AT MOST 199 CHARACTERS)");
        return true;
    }
    snprintf(out->field, sizeof(out->field), "%s", fields[i].field);
    if (is_class && ((len == 4 && strncasecmp(rest, "NONE", 4) == 0) || (len == 1 && *rest == '-')))
        len = 0;
    snprintf(out->query, sizeof(out->query), "%.*s", (int)len, rest);
    out->kind = CMD_FIELD;
    return true;
}

/* The staff's commands; the words after the verb are kept in query, as typed. */
static bool parse_staff(const char *verb, char **w, int n, struct command *out)
{
    static const struct {
        const char *verb;
        enum command_kind kind;
        int min, max; /* words after the verb */
        const char *usage;
    } staff[] = {
        {"WHO", CMD_WHO, 0, 1, "USAGE: WHO [USER]"},
        {"AUDIT", CMD_AUDIT, 0, 7, "USAGE: AUDIT [USER=.. ACTION=.. OUTCOME=.. SINCE=.. UNTIL=..]"},
        {"REVOKE", CMD_REVOKE, 1, 1, "USAGE: REVOKE SESSION-ID | USER"},
        {"PASSWD", CMD_PASSWD, 0, 0,
         "USAGE: PASSWD (the passwords are asked for, never typed here)"},
    };
    for (size_t i = 0; i < sizeof(staff) / sizeof(staff[0]); i++) {
        if (strcasecmp(verb, staff[i].verb) != 0)
            continue;
        if (n - 1 < staff[i].min || n - 1 > staff[i].max) {
            out->kind = CMD_INVALID;
            snprintf(out->error, sizeof(out->error), "%s", staff[i].usage);
            return true;
        }
        out->kind = staff[i].kind;
        for (int j = 1; j < n; j++) {
            size_t len = strlen(out->query);
            snprintf(out->query + len, sizeof(out->query) - len, "%s%s", len ? " " : "", w[j]);
        }
        return true;
    }
    return false;
}

void commands_parse(const char *line, struct command *out)
{
    char buf[INPUT_MAX]; /* a whole typed line */
    char *w[WORDS];
    memset(out, 0, sizeof(*out));
    /* ':' is how the line is opened elsewhere; typed at the welcome prompt it is no part of it */
    line = line ? line : "";
    while (isspace((unsigned char)*line))
        line++;
    if (*line == ':')
        line++;
    snprintf(buf, sizeof(buf), "%s", line);
    int n = split(buf, w);
    if (n == 0) {
        out->kind = CMD_NONE;
        return;
    }
    const char *verb = w[0];
    if (strcasecmp(verb, "ACCESS") == 0 || strcasecmp(verb, "OPEN") == 0 ||
        strcasecmp(verb, "READ") == 0) {
        parse_access(w, n, out);
    } else if (strcasecmp(verb, "LIST") == 0 || strcasecmp(verb, "BROWSE") == 0) {
        out->kind = CMD_LIST;
        snprintf(out->what, sizeof(out->what), "scp");
        int q = 1;
        if (n >= 2 && parse_kind(w[1], out->what, sizeof(out->what)))
            q = 2;
        /* The query is the rest of the original line after the kind. */
        for (int i = q; i < n; i++) {
            size_t len = strlen(out->query);
            snprintf(out->query + len, sizeof(out->query) - len, "%s%s", len ? " " : "", w[i]);
        }
    } else if (strcasecmp(verb, "CREATE") == 0 || strcasecmp(verb, "NEW") == 0) {
        if (n == 2 && parse_kind(w[1], out->what, sizeof(out->what))) {
            out->kind = CMD_CREATE;
        } else {
            out->kind = CMD_INVALID;
            snprintf(out->error, sizeof(out->error), "USAGE: CREATE SCP | SITE | MTF | USER");
        }
    } else if (strcasecmp(verb, "INFO") == 0) {
        /* What a level or class means: INFO KETER, INFO LEVEL 4. */
        out->kind = n >= 2 && info_topic(w + 1, n - 1, out->query, sizeof(out->query))
                        ? CMD_INFO
                        : CMD_INVALID;
        if (out->kind == CMD_INVALID)
            snprintf(out->error, sizeof(out->error), "USAGE: INFO KETER | INFO LEVEL 4");
    } else if (strcasecmp(verb, "STATUS") == 0) {
        parse_status(w, n, n > 3 ? line + (w[3] - buf) : NULL, out);
    } else if (strcasecmp(verb, "EDIT") == 0 && n >= 4 &&
               parse_edit_field(w, n, line + (w[3] - buf), out)) {
        /* a field: EDIT SCP-002 CLASS KETER */
    } else if (strcasecmp(verb, "EDIT") == 0 || strcasecmp(verb, "HISTORY") == 0) {
        parse_file_verb(w, n, n > 4 ? line + (w[4] - buf) : NULL, strcasecmp(verb, "EDIT") == 0,
                        out);
    } else if (strcasecmp(verb, "LOGOUT") == 0 || strcasecmp(verb, "LOGOFF") == 0) {
        out->kind = CMD_LOGOUT;
    } else if (strcasecmp(verb, "HELP") == 0 || strcmp(verb, "?") == 0) {
        out->kind = CMD_HELP;
    } else if (strcasecmp(verb, "CLEAR") == 0 || strcasecmp(verb, "CLS") == 0) {
        out->kind = CMD_CLEAR;
    } else if (strcasecmp(verb, "QUIT") == 0 || strcasecmp(verb, "EXIT") == 0) {
        out->kind = CMD_QUIT;
    } else if (parse_staff(verb, w, n, out)) {
        /* WHO, AUDIT, REVOKE, PASSWD */
    } else {
        out->kind = CMD_INVALID;
        snprintf(out->error, sizeof(out->error), "UNKNOWN COMMAND: %.40s. TYPE HELP.", verb);
    }
}

static const char *const verbs[] = {"ACCESS", "LIST",    "CREATE", "INFO",   "STATUS",
                                    "EDIT",   "HISTORY", "CLEAR",  "HELP",   "LOGOUT",
                                    "QUIT",   "WHO",     "AUDIT",  "REVOKE", "PASSWD"};

struct completion {
    const char *word; /* what is typed of the last word */
    size_t matches;
    char common[INPUT_MAX]; /* the longest prefix every match shares */
};

static void candidate(struct completion *c, const char *name)
{
    size_t n = strlen(c->word);
    if (strncasecmp(name, c->word, n) != 0)
        return;
    if (c->matches++ == 0) {
        snprintf(c->common, sizeof(c->common), "%s", name);
        return;
    }
    size_t i = 0;
    while (c->common[i] && toupper((unsigned char)c->common[i]) == toupper((unsigned char)name[i]))
        i++;
    c->common[i] = '\0';
}

/* The refs of one kind ("SCP-"), their numbers only: ACCESS SCP 0<Tab>. */
static void ref_numbers(struct completion *c, const char *kind, const char *const *refs,
                        size_t nrefs)
{
    size_t k = strlen(kind);
    for (size_t i = 0; i < nrefs; i++)
        if (strncasecmp(refs[i], kind, k) == 0 && refs[i][k] == '-')
            candidate(c, refs[i] + k + 1);
}

int commands_complete(const char *line, const char *const *refs, size_t nrefs, char *out,
                      size_t size)
{
    char buf[INPUT_MAX];
    char *w[WORDS];
    snprintf(out, size, "%s", line);
    snprintf(buf, sizeof(buf), "%s", line);
    size_t len = strlen(line);
    bool fresh = len == 0 || isspace((unsigned char)line[len - 1]); /* a new word starts */
    int n = split(buf, w);
    if (n == WORDS)
        return 0;
    struct completion c = {fresh ? "" : w[n - 1], 0, ""};
    int at = fresh ? n : n - 1; /* the word being completed */
    char kind[8];
    if (at == 0) {
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
            candidate(&c, verbs[i]);
    } else if (at == 1 && (strcasecmp(w[0], "LIST") == 0 || strcasecmp(w[0], "CREATE") == 0 ||
                           strcasecmp(w[0], "ACCESS") == 0)) {
        for (int i = 0; i < FOUNDATION_REF_KINDS; i++) {
            char upper[8];
            const char *name = foundation_ref_kind_name((enum foundation_ref_kind)i);
            for (size_t j = 0; j < sizeof(upper); j++)
                if ((upper[j] = (char)toupper((unsigned char)name[j])) == '\0')
                    break;
            upper[sizeof(upper) - 1] = '\0';
            candidate(&c, upper);
        }
        if (strcasecmp(w[0], "ACCESS") == 0)
            for (size_t i = 0; i < nrefs; i++)
                candidate(&c, refs[i]);
    } else if (at == 2 && strcasecmp(w[0], "ACCESS") == 0 && parse_kind(w[1], kind, sizeof(kind))) {
        ref_numbers(&c, kind, refs, nrefs);
    }
    if (c.matches == 0)
        return 0;
    size_t keep = len - strlen(c.word); /* the line before the word */
    snprintf(out, size, "%.*s%s%s", (int)keep, line, c.common, c.matches == 1 ? " " : "");
    return (int)c.matches;
}
