/* batch_create.c - `scipnet --batch create`: the request and the new user's password,
 * all settled before connecting. */
#include "client/batch_create.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "client/batch.h"
#include "client/batch_format.h"
#include "client/forms.h"
#include "client/protocol.h"
#include "client/session.h"
#include "common/foundation.h"
#include "common/vis.h"
#include "deepwell/password.h" /* the one policy's minimum, said in the prompt */

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)

/* The first line of stdin: -1 when there is none, -2 when no password is that long. */
int batch_read_password(char *buf, size_t size)
{
    if (fgets(buf, (int)size, stdin) == NULL)
        return -1;
    size_t n = strcspn(buf, "\r\n");
    /* Without its line end the line went on past buf: refused, never cut short. */
    bool whole = buf[n] != '\0' || feof(stdin);
    buf[n] = '\0';
    return whole && n <= FOUNDATION_PASSWORD_MAX ? 0 : -2;
}

/*
 * The create request for `create KIND FIELD=VALUE...`, checked before connecting: a
 * field the kind does not have is an error naming those it has, and a password never
 * comes from the command line (password is the new user's, from stdin or the terminal).
 * NULL after saying why on stderr.
 */
static json_t *create_request(const char *kind, char **fields, int n, const char *password)
{
    const struct form_kind *k = form_kind_find(kind);
    const char *values[FORM_FIELDS] = {0};
    if (k == NULL) {
        vis_fprintf(stderr, VIS_LINE,
                    "scipnet: create has no kind '%s' (want scp, site, mtf or user)\n", kind);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        char key[64], names[256];
        const char *eq = strchr(fields[i], '=');
        if (eq == NULL || eq == fields[i] || (size_t)(eq - fields[i]) >= sizeof(key)) {
            vis_fprintf(stderr, VIS_LINE, "scipnet: create fields are FIELD=VALUE, not '%s'\n",
                        fields[i]);
            return NULL;
        }
        memcpy(key, fields[i], (size_t)(eq - fields[i]));
        key[eq - fields[i]] = '\0';
        const struct form_field *f = form_field_find(k, key);
        form_field_names(k, names, sizeof(names));
        if (f == NULL) {
            vis_fprintf(stderr, VIS_LINE,
                        "scipnet: create %s has no field '%s'; its fields (* required): %s\n",
                        k->kind, key, names);
            return NULL;
        }
        if (f->type == FORM_SECRET) {
            vis_fprintf(stderr, VIS_LINE,
                        "scipnet: %s= never goes on the command line: give it as the second "
                        "line of standard input with --password-stdin, or type it when asked\n",
                        key);
            return NULL;
        }
        values[f - k->fields] = eq + 1;
    }
    for (size_t i = 0; i < k->count; i++)
        if (k->fields[i].type == FORM_SECRET)
            values[i] = password;
    return form_request(k, values);
}

/*
 * One line typed on fd with echo off; -1 on error, -2 when longer than a password.  Echo
 * goes off without flushing: what was typed ahead is the answer, not lost.
 */
static int read_quiet(int fd, const char *prompt, char *buf, size_t size)
{
    struct termios old, quiet;
    bool tty = tcgetattr(fd, &old) == 0;
    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tty = tcsetattr(fd, TCSADRAIN, &quiet) == 0;
    }
    size_t n = 0;
    int rc = write(fd, prompt, strlen(prompt)) < 0 ? -1 : 0;
    char ch;
    while (rc == 0) {
        ssize_t got = read(fd, &ch, 1);
        if (got <= 0)
            rc = n > 0 ? 0 : -1;
        if (got <= 0 || ch == '\n' || ch == '\r')
            break;
        if (n + 1 >= size)
            rc = -2; /* and read on to the line's end, so nothing is left for later */
        else
            buf[n++] = ch;
    }
    buf[n] = '\0';
    if (rc == 0 && n > FOUNDATION_PASSWORD_MAX)
        rc = -2;
    if (tty)
        tcsetattr(fd, TCSADRAIN, &old);
    if (write(fd, "\n", 1) < 0 && rc == 0)
        rc = -1;
    return rc;
}

/* The new user's password, typed twice on the terminal (/dev/tty, not stdin). */
static int prompt_new_password(char *buf, size_t size)
{
    char again[FOUNDATION_PASSWORD_MAX + 2];
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        vis_fprintf(stderr, VIS_LINE,
                    "scipnet: no terminal to ask for the new password on; give it as the "
                    "second line of standard input with --password-stdin\n");
        return -1;
    }
    int rc = read_quiet(
        fd, "New password (at least " STRINGIFY(DEEPWELL_PASSWORD_MIN) " characters): ", buf, size);
    if (rc == 0)
        rc = read_quiet(fd, "The same password again: ", again, sizeof(again));
    close(fd);
    if (rc == 0 && strcmp(buf, again) != 0) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: the two passwords differ\n");
        rc = -1;
    } else if (rc == -2) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: the password is longer than %d bytes\n",
                    FOUNDATION_PASSWORD_MAX);
    } else if (rc != 0) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: no new password typed\n");
    }
    memset(again, 0, sizeof(again));
    return rc == 0 ? 0 : -1;
}

int batch_prompt_new_password(char *buf, size_t size)
{
    return prompt_new_password(buf, size);
}

/* Everything create needs before connecting; *req NULL when the command is not create. */
int batch_prepare_create(const struct client_options *opt, json_t **req)
{
    *req = NULL;
    if (opt->ncommand < 2 || strcmp(opt->command[0], "create") != 0)
        return 0;
    char password[FOUNDATION_PASSWORD_MAX + 2] = "";
    const struct form_kind *k = form_kind_find(opt->command[1]);
    bool secret = false;
    for (size_t i = 0; k != NULL && i < k->count; i++)
        secret |= k->fields[i].type == FORM_SECRET;
    /* Checked first: a wrong field is said before a password is asked for. */
    json_t *check = create_request(opt->command[1], opt->command + 2, opt->ncommand - 2, "");
    if (check == NULL)
        return BATCH_ERROR;
    json_decref(check);
    if (secret && opt->user != NULL) { /* without a login the server refuses anyway */
        int got = opt->password_stdin ? batch_read_password(password, sizeof(password)) : -1;
        if (got == -2) {
            vis_fprintf(stderr, VIS_LINE, "scipnet: the new password is longer than %d bytes\n",
                        FOUNDATION_PASSWORD_MAX);
            return BATCH_ERROR;
        }
        if (got == -1 && prompt_new_password(password, sizeof(password)) != 0)
            return BATCH_ERROR;
    }
    *req = create_request(opt->command[1], opt->command + 2, opt->ncommand - 2, password);
    memset(password, 0, sizeof(password));
    return *req != NULL ? 0 : BATCH_ERROR;
}

/* create KIND FIELD=VALUE...: the server decides; a refusal exits 5. */
int batch_create_run(struct session *s, json_t *req)
{
    struct proto_reply r;
    int rc = batch_call(s, req, &r);
    if (rc >= 0)
        return rc;
    char ref[ART_REF_MAX] = "";
    proto_parse_created(r.root, ref, sizeof(ref));
    if (batch_format() == FORMAT_JSON) {
        rc = batch_print_json(r.root);
    } else if (batch_format() == FORMAT_TSV) {
        static const char *const head[] = {"ref"};
        const char *row[] = {ref};
        rc = batch_print_tsv(head, 1);
        rc = rc == BATCH_OK ? batch_print_tsv(row, 1) : rc;
    } else {
        rc = vis_fprintf(stdout, VIS_LINE, "%s\n", ref) == 0 ? BATCH_OK : BATCH_ERROR;
    }
    proto_reply_free(&r);
    return rc;
}
